import { describe, expect, it } from 'vitest';
import { LiveSeries } from './live-series.ts';

describe('LiveSeries', () => {
  it('keeps points in time order, replaces repeats and drops old points', () => {
    const s = new LiveSeries(10_000, 2);
    s.push(1000, 1);
    s.push(3000, 3);
    s.push(2000, 2);
    s.push(3000, 30);
    expect(s.length).toBe(3);
    expect(Array.from(s.toAligned()[1])).toEqual([1, 2, 30]);
    s.push(12_500, 5);
    // 1000 and 2000 fall out of the 10 s window before 12.5 s.
    expect(Array.from(s.toAligned()[0])).toEqual([3, 12.5]);
    expect(s.lastTs).toBe(12_500);
    expect(s.lastValue).toBe(5);
  });
});
