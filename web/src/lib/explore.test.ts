import { describe, expect, it } from 'vitest';
import { chooseAgg, exploreView, joinSeries, toColumns, toCsv } from './explore.ts';

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

  it('shifts a comparison series by its offset onto the view, and leaves it out of the CSV', () => {
    const before = { ...series('b', [0, 10]), compared: { cmp: 'prev' as const, offset: 10 } };
    const j = joinSeries([series('a', [10, 20]), before]);
    expect(Array.from(j.x)).toEqual([10, 20]);
    expect(j.ys[3]).toEqual([0, 1]);
    expect(
      toCsv([series('a', [0]), before])
        .trim()
        .split('\n'),
    ).toHaveLength(2);
  });

  it('reads whole days at the suggested resolution and refuses one too fine for the span', () => {
    const DAY = 86_400_000;
    expect(chooseAgg(null, DAY, true)).toEqual({ agg: '1m', suggested: true });
    expect(chooseAgg(null, 7 * DAY, true)).toEqual({ agg: 'hour', suggested: true });
    expect(chooseAgg(null, 365 * DAY, true)).toEqual({ agg: 'day', suggested: true });
    expect(chooseAgg(null, 3 * 3_600_000, false)).toEqual({ agg: 'auto', suggested: true });
    expect(chooseAgg('15m', 30 * DAY, true)).toEqual({ agg: '15m', suggested: false });
    const raw = chooseAgg('raw', 365 * DAY, true);
    expect(raw.agg).toBe('day');
    expect(raw.problem).toBe(
      "'Raw' over 365 days is more points than a chart can show (at most 7 days); showing 'day', the resolution for this span.",
    );
    expect(chooseAgg('week', DAY, true).problem).toContain("'agg' 'week' is not one of auto, raw");
  });

  it('lays each comparison after its channel, labelled, with totals, counting only the range', () => {
    const totals = {
      unit: 'Wh',
      basis: 'hour' as const,
      current: 2000,
      coverage: 1,
      comparison: 1000,
      comparisonCoverage: 0.5,
      delta: 1000,
      percent: 100,
      partial: true,
    };
    const view = exploreView(
      {
        comparison: { cmp: 'year', from: 0, to: 10, offset: 100, timeZone: 'UTC' },
        series: [
          {
            channelId: 'a',
            name: 'mains',
            unit: 'W',
            facilityId: 'f',
            raw: true,
            bucketMs: null,
            ts: [100, 105],
            value: [1, 2],
            comparison: { raw: true, bucketMs: null, ts: [0], value: [7] },
            totals,
          },
          {
            channelId: 'b',
            name: 'kettle',
            unit: 'W',
            facilityId: 'f',
            raw: true,
            bucketMs: null,
            ts: [100],
            value: [3],
          },
        ],
      },
      (s) => ({ label: `ch ${s.channelId}`, unit: 'W' }),
    );
    expect(view.series.map((s) => [s.channelId, s.label, s.compared?.offset])).toEqual([
      ['a', 'ch a', undefined],
      ['a', 'ch a · a year earlier', 100],
      ['b', 'ch b', undefined],
    ]);
    expect(view.totals).toEqual([{ channelId: 'a', label: 'ch a', totals }]);
    expect([view.readings, view.buckets]).toEqual([3, 3]);
  });
});
