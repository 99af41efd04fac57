/** Unit tests of the adapter-independent parts of the readings port: batch checks, change merging, minute cuts and aggregates. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { batchOf } from './contract/fixtures.ts';
import { bucketQuery, cutMinutes, mergeChanges, minuteAggregates, prepareBatch } from './readings-batch.ts';

const keys = async (ids: string[]) =>
  new Map(ids.filter((id) => id !== 'ghost').map((id, i) => [id, i + 10]));
const err = (m: string, field: string) => new InputError(m, { field });
const M = 60_000;

describe('prepareBatch', () => {
  it('maps channels to keys and notes ranges and strict increase per channel', async () => {
    const b = batchOf([
      { channelId: 'a', ts: 5000, value: 1, quality: 0 },
      { channelId: 'b', ts: 1000, value: 2, quality: 0 },
      { channelId: 'a', ts: 6000, value: 3, quality: 1 },
    ]);
    const p = await prepareBatch(b, keys, err);
    expect(Array.from(p.keys)).toEqual([10, 11, 10]);
    expect(p).toMatchObject({ minTs: 1000, maxTs: 6000, minKey: 10, maxKey: 11, increasing: true });
    expect(p.ranges).toEqual([
      { key: 10, from: 5000, to: 6000 },
      { key: 11, from: 1000, to: 1000 },
    ]);
  });

  it('flags a repeated or backwards timestamp of one channel as not increasing', async () => {
    const same = batchOf([
      { channelId: 'a', ts: 5000, value: 1, quality: 0 },
      { channelId: 'a', ts: 5000, value: 1, quality: 0 },
    ]);
    expect((await prepareBatch(same, keys, err)).increasing).toBe(false);
    const back = batchOf([
      { channelId: 'a', ts: 5000, value: 1, quality: 0 },
      { channelId: 'a', ts: 7000, value: 1, quality: 0 },
      { channelId: 'a', ts: 4000, value: 1, quality: 0 },
    ]);
    const p = await prepareBatch(back, keys, err);
    expect(p.increasing).toBe(false);
    expect(p.ranges).toEqual([{ key: 10, from: 4000, to: 7000 }]);
  });

  it('names the unknown channel, the bad field and the reading', async () => {
    await expect(
      prepareBatch(batchOf([{ channelId: 'ghost', ts: 1, value: 1, quality: 0 }]), keys, err),
    ).rejects.toThrow(/unknown channel 'ghost'/);
    await expect(
      prepareBatch(batchOf([{ channelId: 'a', ts: 1e16, value: 1, quality: 0 }]), keys, err),
    ).rejects.toThrow(/reading 0 .*timestamp/);
    await expect(
      prepareBatch(batchOf([{ channelId: 'a', ts: 1, value: Infinity, quality: 0 }]), keys, err),
    ).rejects.toThrow(/value Infinity/);
    const b = batchOf([{ channelId: 'a', ts: 1, value: 1, quality: 0 }]);
    b.channel[0] = 3;
    await expect(prepareBatch(b, keys, err)).rejects.toThrow(/channel index 3/);
  });
});

describe('mergeChanges', () => {
  it('merges overlapping ranges per channel and orders by channel and time', () => {
    expect(
      mergeChanges([
        { channelId: 'b', from: 10, to: 20 },
        { channelId: 'a', from: 50, to: 60 },
        { channelId: 'a', from: 0, to: 10 },
        { channelId: 'a', from: 5, to: 30 },
        { channelId: 'b', from: 21, to: 22 },
      ]),
    ).toEqual([
      { channelId: 'a', from: 0, to: 30 },
      { channelId: 'a', from: 50, to: 60 },
      { channelId: 'b', from: 10, to: 20 },
      { channelId: 'b', from: 21, to: 22 },
    ]);
  });
});

describe('cutMinutes', () => {
  it('lists the minutes cut by unaligned ends and bucket edges only', () => {
    // 4 buckets of 15 minutes from an aligned start: no cuts.
    expect(cutMinutes(bucketQuery(0, 60 * M, 4))).toEqual([]);
    // 3 buckets of 20.5 minutes: edges at 20.5 and 41 minutes; 41 is aligned.
    expect(cutMinutes(bucketQuery(0, 61.5 * M, 3))).toEqual([20 * M, 61 * M]);
    // Unaligned start and end; negative times floor to the minute below.
    expect(cutMinutes(bucketQuery(-90_000, 30 * M + 1, 1))).toEqual([-2 * M, 30 * M]);
  });

  it('rejects bad bucket requests', () => {
    expect(() => bucketQuery(0, 0, 10)).toThrow(InputError);
    expect(() => bucketQuery(0, 10, 0)).toThrow(/buckets/);
    expect(() => bucketQuery(0, 10, 1.5)).toThrow(/buckets/);
  });
});

describe('minuteAggregates', () => {
  it('aggregates per channel and minute in one pass', async () => {
    const b = batchOf([
      { channelId: 'a', ts: 0, value: 1, quality: 0 },
      { channelId: 'b', ts: 1000, value: 10, quality: 0 },
      { channelId: 'a', ts: 30_000, value: 5, quality: 0 },
      { channelId: 'a', ts: M, value: 2, quality: 0 },
      { channelId: 'b', ts: 2000, value: -4, quality: 0 },
      { channelId: 'a', ts: 5 * M + 7, value: 3, quality: 0 },
    ]);
    // Into the arrays of a bigger earlier result (the DuckDB writer reuses them batch after batch):
    // the same rows, whatever the earlier rows held.
    const big = batchOf(
      Array.from({ length: 40 }, (_, i) => ({ channelId: 'b', ts: i * M, value: 1e6 + i, quality: 0 })),
    );
    const earlier = minuteAggregates(big, await prepareBatch(big, keys, err));
    const m = minuteAggregates(b, await prepareBatch(b, keys, err), earlier);
    expect(m.key.buffer).toBe(earlier.key.buffer);
    const w = (a: Int32Array, i: number) => a[2 * i]! + a[2 * i + 1]! * 2 ** 32;
    const rows = Array.from({ length: m.length }, (_, i) => [
      m.key[i],
      w(m.minute64, i),
      m.min[i],
      m.max[i],
      m.sum[i],
      m.n[i],
      m.pairE[i],
      w(m.pairCov64, i),
      w(m.maxDt64, i),
      w(m.firstTs64, i),
      w(m.lastTs64, i),
      m.lastV[i],
      m.edge[i],
    ]);
    // Each step is counted in its first reading's minute, also across minutes (5 at 30 s holds to M);
    // the last reading of a channel in the write has no step yet and flags its row as a run end.
    expect(rows.sort((x, y) => x[0]! - y[0]! || x[1]! - y[1]!)).toEqual([
      [10, 0, 1, 5, 6, 2, 1 * 30_000 + 5 * 30_000, M, 30_000, 0, 30_000, 5, 1],
      [10, M, 2, 2, 2, 1, 2 * (4 * M + 7), 4 * M + 7, 4 * M + 7, M, M, 2, 0],
      [10, 5 * M, 3, 3, 3, 1, 0, 0, 0, 5 * M + 7, 5 * M + 7, 3, 2],
      [11, 0, -4, 10, 6, 2, 10_000, 1000, 1000, 1000, 2000, -4, 3],
    ]);
  });
});
