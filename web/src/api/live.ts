/**
 * Live push from the real-time layer: Server-Sent Events at `/api/v1/live` (the browser sends the
 * session cookie), carrying alerts of the caller's organisation and readings of the facilities asked
 * for. EventSource reconnects by itself; the state callback tells the page whether it is live.
 */
import type { Alert } from './types.ts';

/** An event as the pages use it. */
export type LiveEvent =
  { type: 'reading'; channelId: string; ts: number; value: number } | { type: 'alert'; alert: Alert };

/** What to subscribe to: readings of some facilities (alerts always come). */
export interface LiveTopic {
  facilityIds?: string[];
}

/** Connection states shown in the interface. */
export type LiveState = 'connecting' | 'open' | 'closed';

/** Turns one SSE message (`alert`, `alert-updated`, `readings`) into events; ignores anything else. */
export function parseLiveMessage(data: string): LiveEvent[] {
  let msg: unknown;
  try {
    msg = JSON.parse(data);
  } catch {
    return [];
  }
  if (!msg || typeof msg !== 'object') return [];
  const m = msg as { type?: unknown; alert?: unknown; channels?: unknown };
  if ((m.type === 'alert' || m.type === 'alert-updated') && m.alert && typeof m.alert === 'object')
    return [{ type: 'alert', alert: m.alert as Alert }];
  if (m.type !== 'readings' || !Array.isArray(m.channels)) return [];
  const out: LiveEvent[] = [];
  for (const c of m.channels as { channelId?: unknown; ts?: unknown; value?: unknown }[]) {
    if (typeof c.channelId !== 'string' || !Array.isArray(c.ts) || !Array.isArray(c.value)) continue;
    const ts = c.ts as unknown[];
    const value = c.value as unknown[];
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i];
      const v = value[i];
      if (typeof t === 'number' && typeof v === 'number')
        out.push({ type: 'reading', channelId: c.channelId, ts: t, value: v });
    }
  }
  return out;
}

/** The URL of a subscription. */
export function liveUrl(topic: LiveTopic): string {
  const ids = topic.facilityIds?.filter(Boolean) ?? [];
  return ids.length ? `/api/v1/live?facilityId=${encodeURIComponent(ids.join(','))}` : '/api/v1/live';
}

/** Opens a live subscription; returns a function that closes it. */
export function subscribeLive(
  topic: LiveTopic,
  onEvents: (events: LiveEvent[]) => void,
  onState: (state: LiveState) => void = () => {},
): () => void {
  const es = new EventSource(liveUrl(topic), { withCredentials: true });
  onState('connecting');
  es.onopen = () => onState('open');
  es.onerror = () => onState(es.readyState === EventSource.CLOSED ? 'closed' : 'connecting');
  const handle = (e: MessageEvent<string>) => {
    const events = parseLiveMessage(e.data);
    if (events.length) onEvents(events);
  };
  for (const name of ['alert', 'alert-updated', 'readings', 'message'])
    es.addEventListener(name, handle as EventListener);
  return () => {
    es.close();
    onState('closed');
  };
}
