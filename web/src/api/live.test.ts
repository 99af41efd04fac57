import { describe, expect, it } from 'vitest';
import {
  type LiveEvent,
  type LiveEventSource,
  type LiveState,
  createLiveClient,
  liveUrl,
  parseLiveMessage,
} from './live.ts';

const breakdown = {
  ts: 1_000_000,
  periodMs: 30_000,
  mains: 400,
  appliances: { kettle: 0, fridge: 80 },
  residual: 320,
  model: { id: 'shared-live', method: 'eventsig' },
};

/** The browser's EventSource stands in for the test: Node has none; messages are sent by hand. */
class FakeSource implements LiveEventSource {
  readyState = 0;
  private listeners = new Map<string, ((e: MessageEvent<string>) => void)[]>();
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (e: MessageEvent<string>) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close(): void {
    this.readyState = 2;
  }
  emit(type: string, data = ''): void {
    for (const l of this.listeners.get(type) ?? []) l({ data } as MessageEvent<string>);
  }
}

describe('live messages', () => {
  it('unrolls reading columns and passes alerts', () => {
    const readings = {
      type: 'readings',
      orgId: 'o',
      facilityId: 'f',
      channels: [{ channelId: 'c', ts: [1, 2], value: [10, 20] }],
    };
    expect(parseLiveMessage(JSON.stringify(readings))).toEqual([
      { type: 'reading', channelId: 'c', ts: 1, value: 10 },
      { type: 'reading', channelId: 'c', ts: 2, value: 20 },
    ]);
    const alert = { id: 'a', state: 'acknowledged' };
    expect(parseLiveMessage(JSON.stringify({ type: 'alert-updated', alert }))).toEqual([
      { type: 'alert', alert },
    ]);
    expect(parseLiveMessage('not json')).toEqual([]);
    expect(parseLiveMessage('{"type":"other"}')).toEqual([]);
  });

  it('passes live NILM breakdowns and drops malformed ones', () => {
    const nilm = { type: 'nilm', orgId: 'o', facilityId: 'f', breakdown };
    expect(parseLiveMessage(JSON.stringify(nilm))).toEqual([{ type: 'nilm', facilityId: 'f', breakdown }]);
    for (const bad of [
      { ...nilm, facilityId: 7 },
      { ...nilm, breakdown: undefined },
      { ...nilm, breakdown: { ...breakdown, mains: '400' } },
      { ...nilm, breakdown: { ...breakdown, appliances: { kettle: null } } },
      { ...nilm, breakdown: { ...breakdown, model: { id: 'm' } } },
    ])
      expect(parseLiveMessage(JSON.stringify(bad))).toEqual([]);
  });

  it('asks for the facilities given', () => {
    expect(liveUrl({})).toBe('/api/v1/live');
    expect(liveUrl({ facilityIds: ['a b', 'c'] })).toBe('/api/v1/live?facilityId=a%20b%2Cc');
  });
});

describe('live client', () => {
  const setup = () => {
    const opened: FakeSource[] = [];
    const client = createLiveClient((url) => {
      const s = new FakeSource(url);
      opened.push(s);
      return s;
    });
    const subscriber = (topic: { facilityIds?: string[] }) => {
      const events: LiveEvent[] = [];
      const states: LiveState[] = [];
      const stop = client.subscribe(
        topic,
        (e) => events.push(...e),
        (s) => states.push(s),
      );
      return { events, states, stop };
    };
    return { opened, subscriber };
  };

  it('shares one connection per topic and hands every subscriber the events and states', () => {
    const { opened, subscriber } = setup();
    const chart = subscriber({ facilityIds: ['f'] });
    expect(opened.map((s) => s.url)).toEqual(['/api/v1/live?facilityId=f']);
    opened[0]!.emit('open');
    opened[0]!.readyState = 1;
    // A card joining later shares the connection and learns at once that it is open.
    const card = subscriber({ facilityIds: ['f'] });
    const alerts = subscriber({});
    expect(opened.map((s) => s.url)).toEqual(['/api/v1/live?facilityId=f', '/api/v1/live']);
    expect(card.states).toEqual(['open']);
    opened[0]!.emit('nilm', JSON.stringify({ type: 'nilm', orgId: 'o', facilityId: 'f', breakdown }));
    expect(card.events).toEqual([{ type: 'nilm', facilityId: 'f', breakdown }]);
    expect(chart.events).toEqual(card.events);
    expect(alerts.events).toEqual([]);
    opened[0]!.emit('error');
    expect(chart.states).toEqual(['connecting', 'open', 'connecting']);

    // The connection stays while a subscriber is left; the last one closes it.
    chart.stop();
    chart.stop();
    expect(chart.states.at(-1)).toBe('closed');
    expect(opened[0]!.readyState).not.toBe(2);
    card.stop();
    expect(opened[0]!.readyState).toBe(2);
    expect(opened[1]!.readyState).toBe(0);
    subscriber({ facilityIds: ['f'] });
    expect(opened).toHaveLength(3);
  });

  it('opens a new connection for a subscriber after the browser gave up on the old one', () => {
    const { opened, subscriber } = setup();
    const first = subscriber({ facilityIds: ['f'] });
    opened[0]!.readyState = 2;
    opened[0]!.emit('error');
    expect(first.states).toEqual(['connecting', 'closed']);
    const second = subscriber({ facilityIds: ['f'] });
    expect(opened).toHaveLength(2);
    expect(second.states).toEqual(['connecting']);
    // The old subscriber leaving does not close the new connection.
    first.stop();
    expect(opened[1]!.readyState).toBe(0);
  });
});
