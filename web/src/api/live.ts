/**
 * Live push from the real-time layer: Server-Sent Events at `/api/v1/live` (the browser sends the
 * session cookie), carrying alerts of the caller's organisation, and readings and live NILM appliance
 * breakdowns of the facilities asked for. EventSource reconnects by itself; the state callback tells
 * the page whether it is live.
 */
import type { Alert, LiveBreakdown } from './types.ts';

/** An event as the pages use it. */
export type LiveEvent =
  | { type: 'reading'; channelId: string; ts: number; value: number }
  | { type: 'alert'; alert: Alert }
  | { type: 'nilm'; facilityId: string; breakdown: LiveBreakdown };

/** What to subscribe to: readings and breakdowns of some facilities (alerts always come). */
export interface LiveTopic {
  facilityIds?: string[];
}

/** Connection states shown in the interface. */
export type LiveState = 'connecting' | 'open' | 'closed';

/** The SSE event names the server sends (`message` for a server that sends unnamed events). */
const EVENT_NAMES = ['alert', 'alert-updated', 'readings', 'nilm', 'message'] as const;

/** `EventSource.CLOSED`, spelled out so that this module loads where EventSource does not exist (tests). */
const CLOSED = 2;

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object';

/** A breakdown as the server sends it, or undefined when a field is missing or of the wrong type. */
function parseBreakdown(b: unknown): LiveBreakdown | undefined {
  if (!isRecord(b) || !isRecord(b.appliances) || !isRecord(b.model)) return undefined;
  const { ts, periodMs, mains, residual, appliances, model } = b;
  if (![ts, periodMs, mains, residual].every((n) => typeof n === 'number')) return undefined;
  if (!Object.values(appliances).every((w) => typeof w === 'number')) return undefined;
  if (typeof model.id !== 'string' || typeof model.method !== 'string') return undefined;
  return b as unknown as LiveBreakdown;
}

/** Turns one SSE message (`alert`, `alert-updated`, `readings`, `nilm`) into events; ignores anything else. */
export function parseLiveMessage(data: string): LiveEvent[] {
  let msg: unknown;
  try {
    msg = JSON.parse(data);
  } catch {
    return [];
  }
  if (!isRecord(msg)) return [];
  const m = msg as { type?: unknown; alert?: unknown; channels?: unknown; facilityId?: unknown };
  if ((m.type === 'alert' || m.type === 'alert-updated') && isRecord(m.alert))
    return [{ type: 'alert', alert: m.alert as unknown as Alert }];
  if (m.type === 'nilm') {
    const breakdown = parseBreakdown(msg['breakdown']);
    return typeof m.facilityId === 'string' && breakdown
      ? [{ type: 'nilm', facilityId: m.facilityId, breakdown }]
      : [];
  }
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

/** The part of the browser's EventSource the client uses. */
export interface LiveEventSource {
  readonly readyState: number;
  addEventListener(type: string, listener: (e: MessageEvent<string>) => void): void;
  close(): void;
}

/** Opens an event source for a URL: the browser's EventSource with the session cookie by default. */
export type OpenLiveSource = (url: string) => LiveEventSource;

const openEventSource: OpenLiveSource = (url) => new EventSource(url, { withCredentials: true });

/** Live subscriptions; each returns the function that ends it. */
export interface LiveClient {
  subscribe(
    topic: LiveTopic,
    onEvents: (events: LiveEvent[]) => void,
    onState?: (state: LiveState) => void,
  ): () => void;
}

interface Connection {
  source: LiveEventSource;
  state: LiveState;
  subs: Set<{ onEvents: (events: LiveEvent[]) => void; onState: (state: LiveState) => void }>;
}

/**
 * A client whose subscriptions to the same topic share one connection (a facility's live chart and
 * its appliance card): browsers allow six HTTP/1.1 connections per host across all tabs, and an
 * event stream holds one for as long as the page is open. The connection closes with its last
 * subscriber; a subscriber joining a connection the browser gave up on gets a new one.
 */
export function createLiveClient(open: OpenLiveSource = openEventSource): LiveClient {
  const connections = new Map<string, Connection>();
  const connect = (url: string): Connection => {
    const source = open(url);
    const c: Connection = { source, state: 'connecting', subs: new Set() };
    const setState = (state: LiveState) => {
      c.state = state;
      for (const s of [...c.subs]) s.onState(state);
    };
    source.addEventListener('open', () => setState('open'));
    source.addEventListener('error', () => setState(source.readyState === CLOSED ? 'closed' : 'connecting'));
    const handle = (e: MessageEvent<string>) => {
      const events = parseLiveMessage(e.data);
      if (events.length) for (const s of [...c.subs]) s.onEvents(events);
    };
    for (const name of EVENT_NAMES) source.addEventListener(name, handle);
    return c;
  };
  return {
    subscribe(topic, onEvents, onState = () => {}) {
      const url = liveUrl(topic);
      let c = connections.get(url);
      if (!c || c.source.readyState === CLOSED) {
        c?.source.close();
        c = connect(url);
        connections.set(url, c);
      }
      const conn = c;
      const sub = { onEvents, onState };
      conn.subs.add(sub);
      onState(conn.state);
      return () => {
        if (!conn.subs.delete(sub)) return;
        onState('closed');
        if (conn.subs.size > 0) return;
        conn.source.close();
        if (connections.get(url) === conn) connections.delete(url);
      };
    },
  };
}

/** Opens a live subscription on a connection of its own; returns a function that closes it. */
export function subscribeLive(
  topic: LiveTopic,
  onEvents: (events: LiveEvent[]) => void,
  onState: (state: LiveState) => void = () => {},
): () => void {
  return createLiveClient().subscribe(topic, onEvents, onState);
}
