import { describe, expect, it } from 'vitest';
import { joinSeries, toColumns, toCsv } from './explore.ts';

const series = (id: string, ts: number[]) => ({
  channelId: id,
  label: id,
  unit: 'W',
  data: {
    ts,
    mean: ts.map((t) => t / 10),
    min: ts.map(() => 0),
    max: ts.map(() => 9),
    count: ts.map(() => 1),
  },
});

describe('explore helpers', () => {
  it('turns raw points into one-reading buckets', () => {
    const c = toColumns({ channelId: 'a', raw: true, bucketMs: null, ts: [1, 2], value: [5, 6] });
    expect(c).toEqual({ ts: [1, 2], min: [5, 6], max: [5, 6], mean: [5, 6], count: [1, 1] });
  });

  it('joins channels on the union of times with gaps as null', () => {
    const j = joinSeries([series('a', [10, 20]), series('b', [20, 30])]);
    expect(Array.from(j.x)).toEqual([10, 20, 30]);
    expect(j.ys[0]).toEqual([1, 2, null]);
    expect(j.ys[3]).toEqual([null, 2, 3]);
  });

  it('writes CSV with one row per bucket', () => {
    const csv = toCsv([series('a', [0])]);
    expect(csv).toBe(
      'time,ts_ms,channel_id,unit,mean,min,max,count\n1970-01-01T00:00:00.000Z,0,a,W,0,0,9,1\n',
    );
  });
});
