import { describe, expect, it } from 'vitest';
import type { DataExtent } from '../api/types.ts';
import { energyViewEnd, lastReading, viewEnd } from './data-extent.ts';

const NOW = Date.UTC(2026, 11, 3, 12);
const DAY = 86_400_000;

describe('where a view opens', () => {
  it('stays on the present while the data reaches into the view', () => {
    expect(viewEnd(NOW - 5_000, NOW, DAY)).toBe(NOW);
    expect(viewEnd(NOW - DAY + 1, NOW, DAY)).toBe(NOW);
    expect(viewEnd(null, NOW, DAY)).toBe(NOW);
  });

  it('moves to the end of an old history, its last reading included', () => {
    const last = Date.UTC(2025, 11, 31, 23);
    expect(viewEnd(last, NOW, DAY)).toBe(last + 60_000);
  });

  it("keeps the facility page on the day of the last reading, even one in the day's last minute", () => {
    // REFIT's March file ends at 2014-03-31 23:59:30 BST: the views end on 31 March, not on 1 April.
    const refitEnd = Date.UTC(2014, 2, 31, 22, 59, 30);
    expect(energyViewEnd(refitEnd, NOW, 'Europe/London')).toBe(refitEnd + 1);
    const evening = Date.UTC(2014, 2, 31, 18);
    expect(energyViewEnd(evening, NOW, 'Europe/London')).toBe(evening + 60_000);
    expect(energyViewEnd(NOW - 5_000, NOW, 'Europe/London')).toBeUndefined();
    expect(energyViewEnd(null, NOW, 'Europe/London')).toBeUndefined();
  });

  it('finds the last reading of chosen channels', () => {
    const extent: DataExtent = {
      from: 1,
      to: 900,
      channels: [
        { channelId: 'a', from: 1, to: 500 },
        { channelId: 'b', from: 2, to: 900 },
        { channelId: 'c', from: null, to: null },
      ],
    };
    expect(lastReading(extent)).toBe(900);
    expect(lastReading(extent, ['a', 'c'])).toBe(500);
    expect(lastReading(extent, ['c'])).toBeNull();
    expect(lastReading(undefined)).toBeNull();
  });
});
