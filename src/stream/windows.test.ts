import { describe, expect, it } from 'vitest';
import { batchOf } from './batch.ts';
import { createWindowAggregator } from './windows.ts';

const MIN = 60_000;

describe('window aggregator', () => {
  it('aggregates 1 and 15 minute windows and the latest value', () => {
    const w = createWindowAggregator({ widthsMs: [MIN, 15 * MIN], allowedLatenessMs: 0 });
    w.process(batchOf([0, 20, 40, 60, 80].map((s, i) => ({ channelId: 'a', ts: s * 1000, value: i + 1 }))));
    const f = w.flush();
    const one = f.windows.filter((x) => x.widthMs === MIN).sort((a, b) => a.start - b.start);
    expect(one.map((x) => [x.start, x.count, x.sum, x.min, x.max, x.final])).toEqual([
      [0, 3, 6, 1, 3, true],
      [MIN, 2, 9, 4, 5, false],
    ]);
    expect(f.windows.find((x) => x.widthMs === 15 * MIN)).toMatchObject({ count: 5, sum: 15 });
    expect(f.latest).toEqual([{ channelId: 'a', ts: 80_000, value: 5 }]);
    // Nothing changed: nothing to flush.
    expect(w.flush()).toEqual({ windows: [], latest: [] });
  });

  it('corrects windows with late data inside the lateness and drops data beyond it', () => {
    const w = createWindowAggregator({ widthsMs: [MIN], allowedLatenessMs: 2 * MIN });
    w.process(
      batchOf([
        { channelId: 'a', ts: 10_000, value: 1 },
        { channelId: 'a', ts: 150_000, value: 1 },
      ]),
    );
    w.flush();
    w.process(batchOf([{ channelId: 'a', ts: 30_000, value: 5 }])); // late but within 2 min: corrects [0,60s)
    const f = w.flush();
    expect(f.windows).toEqual([expect.objectContaining({ start: 0, count: 2, sum: 6, max: 5 })]);
    w.process(batchOf([{ channelId: 'a', ts: 300_000, value: 1 }])); // watermark moves to 180 s
    w.flush();
    w.process(batchOf([{ channelId: 'a', ts: 20_000, value: 100 }])); // too late now
    expect(w.flush().windows).toEqual([]);
    expect(w.stats()).toMatchObject({ late: 1 });
  });

  it('does not count duplicates twice', () => {
    const w = createWindowAggregator({ widthsMs: [MIN], allowedLatenessMs: MIN });
    const b = batchOf([
      { channelId: 'a', ts: 1000, value: 2 },
      { channelId: 'a', ts: 2000, value: 3 },
    ]);
    w.process(b);
    w.process(b);
    expect(w.flush().windows[0]).toMatchObject({ count: 2, sum: 5 });
    expect(w.stats()).toMatchObject({ applied: 2, duplicates: 2 });
  });
});
