/**
 * Live push from the real-time layer: one WebSocket per subscription, JSON messages of readings and
 * alerts, reconnecting with a growing back-off. The browser sends the session cookie on the upgrade,
 * so no token is needed.
 */
import type { Alert } from './types.ts';

/** A message pushed by the server. */
export type LiveEvent =
  { type: 'reading'; channelId: string; ts: number; value: number } | { type: 'alert'; alert: Alert };

/** What to subscribe to: a facility's readings and alerts, or every alert the caller may see. */
export interface LiveTopic {
  facilityId?: string;
  alerts?: boolean;
}

/** Connection states shown in the interface. */
export type LiveState = 'connecting' | 'open' | 'closed';

/** Turns one server message into events (single reading, reading batch or alert); ignores the rest. */
export function parseLiveMessage(data: string): LiveEvent[] {
  let msg: unknown;
  try {
    msg = JSON.parse(data);
  } catch {
    return [];
  }
  if (!msg || typeof msg !== 'object') return [];
  const m = msg as Record<string, unknown>;
  if (m['type'] === 'alert' && m['alert'] && typeof m['alert'] === 'object')
    return [{ type: 'alert', alert: m['alert'] as Alert }];
  const one = (r: Record<string, unknown>): LiveEvent | undefined => {
    const channelId = r['channelId'] ?? r['channel'];
    const ts = typeof r['ts'] === 'string' ? Date.parse(r['ts']) : r['ts'];
    if (typeof channelId !== 'string' || typeof ts !== 'number' || typeof r['value'] !== 'number')
      return undefined;
    return { type: 'reading', channelId, ts, value: r['value'] };
  };
  if (m['type'] === 'reading') return [one(m)].filter((e): e is LiveEvent => !!e);
  if (m['type'] === 'readings' && Array.isArray(m['readings'])) {
    return (m['readings'] as Record<string, unknown>[]).map(one).filter((e): e is LiveEvent => !!e);
  }
  return [];
}

/** The WebSocket URL of a topic, on the page's own origin. */
export function liveUrl(
  topic: LiveTopic,
  location: { protocol: string; host: string } = window.location,
): string {
  const q = new URLSearchParams();
  if (topic.facilityId) q.set('facilityId', topic.facilityId);
  if (topic.alerts) q.set('alerts', '1');
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/live?${q.toString()}`;
}

/** Opens a live subscription; returns a function that closes it for good. */
export function subscribeLive(
  topic: LiveTopic,
  onEvents: (events: LiveEvent[]) => void,
  onState: (state: LiveState) => void = () => {},
): () => void {
  let ws: WebSocket | undefined;
  let stopped = false;
  let delay = 500;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const connect = () => {
    onState('connecting');
    ws = new WebSocket(liveUrl(topic));
    ws.onopen = () => {
      delay = 500;
      onState('open');
    };
    ws.onmessage = (e: MessageEvent<string>) => {
      const events = parseLiveMessage(e.data);
      if (events.length) onEvents(events);
    };
    ws.onclose = () => {
      onState('closed');
      if (stopped) return;
      timer = setTimeout(connect, delay);
      delay = Math.min(delay * 2, 10_000);
    };
  };
  connect();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    ws?.close();
  };
}
