import { describe, expect, it } from 'vitest';
import { liveUrl, parseLiveMessage } from './live.ts';

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

  it('asks for the facilities given', () => {
    expect(liveUrl({})).toBe('/api/v1/live');
    expect(liveUrl({ facilityIds: ['a b', 'c'] })).toBe('/api/v1/live?facilityId=a%20b%2Cc');
  });
});
