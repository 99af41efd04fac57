/** Contract of ReadingRepo: idempotent atomic writes, reads, change log, downsampling, exports. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { InputError } from '../../errors.ts';
import type { ChangeToken } from '../ports/readings.ts';
import type { StoreFactory, TestStore } from './factories.ts';
import { CATALOG, batchOf, seedCatalog, seriesBatch, seriesValue } from './fixtures.ts';

const T0 = Date.UTC(2024, 0, 31, 23, 0, 0);

/** Registers the readings tests for one adapter (call inside a `describe`). */
export function readingsContract(factory: StoreFactory): void {
  let t: TestStore;
  let dir: string;
  beforeAll(async () => {
    t = await factory.open();
    await seedCatalog(t.store);
    dir = await mkdtemp(join(tmpdir(), 'loadscope-export-'));
  });
  afterAll(async () => {
    await t?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes a batch once; the same batch again is all duplicates', async () => {
    const r = t.store.readings;
    // Two hours at 1 s across a month boundary (exercises PostgreSQL partitions).
    const batch = seriesBatch(['c-mains', 'c-fridge'], T0, 7200, 1000);
    expect(await r.write(batch)).toEqual({ inserted: 14400, duplicates: 0 });
    expect(await r.write(batch)).toEqual({ inserted: 0, duplicates: 14400 });
    expect(await r.count('c-mains')).toBe(7200);
    expect(await r.count('c-fridge')).toBe(7200);
    expect(await r.count()).toBe(14400);
    expect(await r.count('nope')).toBe(0);
  });

  it("knows where each channel's readings are", async () => {
    const r = t.store.readings;
    expect(await r.extent('c-mains')).toEqual({ from: T0, to: T0 + 7199_000 });
    expect(await r.extent('c-gas')).toBeUndefined();
    expect(await r.extent('nope')).toBeUndefined();
  });

  it('reads ranges as objects and as columns, ordered by time', async () => {
    const r = t.store.readings;
    const got = await r.read('c-fridge', T0 + 10_000, T0 + 13_000);
    expect(got).toEqual(
      [10, 11, 12].map((i) => ({
        channelId: 'c-fridge',
        ts: T0 + i * 1000,
        value: seriesValue(1, i),
        quality: 0,
      })),
    );
    const cols = await r.readColumns('c-mains', T0, T0 + 7200_000);
    expect(cols.ts).toBeInstanceOf(Float64Array);
    expect(cols.ts.length).toBe(7200);
    expect(cols.ts[7199]).toBe(T0 + 7199_000);
    expect(cols.value[5000]).toBe(seriesValue(0, 5000));
    expect((await r.readColumns('nope', 0, 1e13)).ts.length).toBe(0);
    expect(await r.read('c-mains', T0 + 7200_000, T0 + 9000_000)).toEqual([]);
  });

  it('counts duplicates inside one batch once, first occurrence wins', async () => {
    const r = t.store.readings;
    const ts = Date.UTC(2023, 5, 1);
    const batch = batchOf([
      { channelId: 'c-gas', ts, value: 1, quality: 0 },
      { channelId: 'c-gas', ts: ts + 1000, value: 2, quality: 0 },
      { channelId: 'c-gas', ts, value: 3, quality: 1 },
      { channelId: 'c-gas', ts: ts + 1000, value: 4, quality: 0 },
      { channelId: 'c-gas', ts: ts + 2000, value: 5, quality: 2 },
    ]);
    expect(await r.write(batch)).toEqual({ inserted: 3, duplicates: 2 });
    expect((await r.read('c-gas', ts, ts + 3000)).map((x) => [x.value, x.quality])).toEqual([
      [1, 0],
      [2, 0],
      [5, 2],
    ]);
    // Partly new: the stored ones count as duplicates, the new ones land.
    const more = batchOf([
      { channelId: 'c-gas', ts: ts + 2000, value: 9, quality: 0 },
      { channelId: 'c-gas', ts: ts + 3000, value: 6, quality: 0 },
    ]);
    expect(await r.write(more)).toEqual({ inserted: 1, duplicates: 1 });
    expect((await r.read('c-gas', ts, ts + 4000)).map((x) => x.value)).toEqual([1, 2, 5, 6]);
  });

  it('a batch continuing a channel beside stored readings lands whole; an overlapping one counts the stored as duplicates', async () => {
    const r = t.store.readings;
    const ts = Date.UTC(2020, 6, 1);
    const at = (channelId: string, from: number, to: number, value = 1) =>
      Array.from({ length: to - from + 1 }, (_, i) => ({
        channelId,
        ts: ts + (from + i) * 1000,
        value,
        quality: 0 as const,
      }));
    // A file ordered by meter, then time: the fridge is split between two batches, so the second
    // batch's time and channel ranges hold stored readings that none of its own readings collide with.
    expect(await r.write(batchOf([...at('c-mains', 0, 9), ...at('c-fridge', 0, 4)]))).toEqual({
      inserted: 15,
      duplicates: 0,
    });
    expect(await r.write(batchOf(at('c-fridge', 5, 9, 2)))).toEqual({ inserted: 5, duplicates: 0 });
    expect(await r.write(batchOf(at('c-fridge', 8, 12, 3)))).toEqual({ inserted: 3, duplicates: 2 });
    expect((await r.read('c-fridge', ts, ts + 60_000)).map((x) => x.value)).toEqual([
      1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3,
    ]);
    expect(await r.read('c-mains', ts, ts + 60_000)).toHaveLength(10);
  });

  it('rejects an unknown channel or a bad reading and stores nothing of that batch', async () => {
    const r = t.store.readings;
    const before = await r.count();
    const ts = Date.UTC(2022, 0, 1);
    const unknown = batchOf([
      { channelId: 'c-mains', ts, value: 1, quality: 0 },
      { channelId: 'ghost', ts, value: 1, quality: 0 },
    ]);
    await expect(r.write(unknown)).rejects.toThrow(InputError);
    await expect(r.write(unknown)).rejects.toThrow(/unknown channel 'ghost'/);
    const nan = batchOf([
      { channelId: 'c-mains', ts, value: 1, quality: 0 },
      { channelId: 'c-mains', ts: ts + 1, value: Number.NaN, quality: 0 },
    ]);
    await expect(r.write(nan)).rejects.toThrow(/reading 1 of channel 'c-mains': value NaN/);
    const frac = batchOf([{ channelId: 'c-mains', ts: ts + 0.5, value: 1, quality: 0 }]);
    await expect(r.write(frac)).rejects.toThrow(/field 'ts'/);
    const q = batchOf([{ channelId: 'c-mains', ts, value: 1, quality: 7 as 0 }]);
    await expect(r.write(q)).rejects.toThrow(/quality 7/);
    expect(await r.count()).toBe(before);
  });

  /** Writes one reading per minute `i` of `minutes` to `channelId`, one batch per call. */
  const writeMinutes = (channelId: string, base: number, minutes: number[]) =>
    t.store.readings.write(
      batchOf(minutes.map((i) => ({ channelId, ts: base + i * 60_000, value: i, quality: 0 as const }))),
    );
  /** Acknowledges whatever an earlier test left pending. */
  const drain = async () => t.store.readings.ackChanges((await t.store.readings.peekChanges()).token);

  it('records the ranges of new readings and hands them out until acknowledged', async () => {
    const r = t.store.readings;
    await drain();
    const a = Date.UTC(2021, 2, 1);
    await writeMinutes('c-fridge', a, [0, 1, 2]);
    await writeMinutes('c-fridge', a, [5, 6]);
    // Overlapping write: only the new reading (minute 7) is a change; minute 6 is a duplicate.
    await writeMinutes('c-fridge', a, [6, 7]);
    await r.write(batchOf([{ channelId: 'c-mains', ts: a, value: 1, quality: 0 }]));
    // A re-write of stored data changes nothing and records nothing.
    await r.write(batchOf([{ channelId: 'c-mains', ts: a, value: 1, quality: 0 }]));
    const expected = [
      { channelId: 'c-fridge', from: a, to: a + 2 * 60_000 },
      { channelId: 'c-fridge', from: a + 5 * 60_000, to: a + 6 * 60_000 },
      { channelId: 'c-fridge', from: a + 7 * 60_000, to: a + 7 * 60_000 },
      { channelId: 'c-mains', from: a, to: a },
    ];
    const peeked = await r.peekChanges();
    expect(peeked.changes).toEqual(expected);
    // Peeking reads only: the same changes again, and the same token.
    expect(await r.peekChanges()).toEqual(peeked);
    await r.ackChanges(peeked.token);
    expect((await r.peekChanges()).changes).toEqual([]);
    // Acknowledging twice does nothing; an empty peek's token too.
    await r.ackChanges(peeked.token);
    await r.ackChanges((await r.peekChanges()).token);
    await expect(r.ackChanges('latest' as ChangeToken)).rejects.toThrow(InputError);
  });

  it('ack removes only the peeked changes: changes recorded between peek and ack survive', async () => {
    const r = t.store.readings;
    await drain();
    const a = Date.UTC(2021, 3, 1);
    await writeMinutes('c-fridge', a, [0, 1]);
    await writeMinutes('c-mains', a, [0]);
    const first = await r.peekChanges();
    expect(first.changes).toHaveLength(2);
    // After the peek: a new channel, and more of a peeked channel (overlapping its peeked range's day).
    await writeMinutes('c-gas', a, [3]);
    await writeMinutes('c-fridge', a, [2, 4]);
    await r.ackChanges(first.token);
    expect((await r.peekChanges()).changes).toEqual([
      { channelId: 'c-fridge', from: a + 2 * 60_000, to: a + 4 * 60_000 },
      { channelId: 'c-gas', from: a + 3 * 60_000, to: a + 3 * 60_000 },
    ]);
    await drain();
    expect((await r.peekChanges()).changes).toEqual([]);
  });

  it('a run that fails before its ack leaves the changes for the next run, even across a reopen', async () => {
    await drain();
    const a = Date.UTC(2021, 4, 1);
    await writeMinutes('c-fridge', a, [0, 1, 2]);
    // The failing run: it peeks, then dies before acknowledging.
    const failed = await t.store.readings.peekChanges();
    expect(failed.changes).toEqual([{ channelId: 'c-fridge', from: a, to: a + 2 * 60_000 }]);
    await writeMinutes('c-fridge', a, [3]);
    const store = await t.reopen();
    // The next run sees the failed run's changes and the newer ones.
    const next = await store.readings.peekChanges();
    expect(next.changes).toEqual([
      { channelId: 'c-fridge', from: a, to: a + 2 * 60_000 },
      { channelId: 'c-fridge', from: a + 3 * 60_000, to: a + 3 * 60_000 },
    ]);
    await writeMinutes('c-mains', a, [9]);
    await store.readings.ackChanges(next.token);
    // A late ack of the failed run's token takes nothing recorded after its peek.
    await store.readings.ackChanges(failed.token);
    expect((await store.readings.peekChanges()).changes).toEqual([
      { channelId: 'c-mains', from: a + 9 * 60_000, to: a + 9 * 60_000 },
    ]);
  });

  it('downsamples into time buckets in the database', async () => {
    const r = t.store.readings;
    const d = await r.downsample('c-mains', T0, T0 + 7200_000, 10);
    expect(d.ts.length).toBe(10);
    expect(d.ts[1]).toBe(T0 + 720_000);
    expect(Array.from(d.count)).toEqual(Array(10).fill(720));
    const values = Array.from({ length: 720 }, (_, i) => seriesValue(0, i));
    expect(d.min[0]).toBe(Math.min(...values));
    expect(d.max[0]).toBe(Math.max(...values));
    expect(d.mean[0]).toBeCloseTo(values.reduce((s, v) => s + v, 0) / 720, 9);
    // Only non-empty buckets come back.
    const sparse = await r.downsample('c-mains', T0 - 3600_000, T0 + 3600_000, 4);
    expect(Array.from(sparse.ts)).toEqual([T0, T0 + 1800_000]);
    expect(Array.from(sparse.count)).toEqual([1800, 1800]);
    await expect(r.downsample('c-mains', T0, T0, 10)).rejects.toThrow(InputError);
  });

  it('downsamples exactly like a brute-force pass, whatever the bucket edges and write paths', async () => {
    const r = t.store.readings;
    await t.store.catalog.upsertChannels([{ ...CATALOG.channels[0]!, id: 'c-ds', name: 'ds' }]);
    const start = Date.UTC(2025, 2, 3, 4, 5, 6, 7);
    const at = (i: number) => start + i * 1000 + (i % 7) * 13;
    const val = (i: number) => Math.round(1000 * Math.sin(i / 50)) / 4;
    const rows = (a: number, b: number) =>
      Array.from({ length: b - a }, (_, k) => ({
        channelId: 'c-ds',
        ts: at(a + k),
        value: val(a + k),
        quality: 0 as const,
      }));
    await r.write(batchOf(rows(0, 3600))); // direct (new range)
    await r.write(batchOf([...rows(3600, 5000), ...rows(4000, 7200)])); // in-batch duplicates
    await r.write(batchOf(rows(5400, 10_800))); // partly stored already
    await r.write(batchOf(rows(10_800, 10_900).filter((_, k) => k % 3 !== 0))); // a ragged tail
    const cols = await r.readColumns('c-ds', -1e13, 1e13);
    expect(cols.ts.length).toBe(10_800 + 66);
    const brute = (from: number, to: number, buckets: number) => {
      const acc = new Map<number, { min: number; max: number; sum: number; n: number }>();
      cols.ts.forEach((ts, i) => {
        if (ts < from || ts >= to) return;
        const b = Number((BigInt(ts - from) * BigInt(buckets)) / BigInt(to - from));
        const v = cols.value[i]!;
        const a = acc.get(b) ?? { min: Infinity, max: -Infinity, sum: 0, n: 0 };
        acc.set(b, { min: Math.min(a.min, v), max: Math.max(a.max, v), sum: a.sum + v, n: a.n + 1 });
      });
      return [...acc.entries()].sort((x, y) => x[0] - y[0]);
    };
    const cases: [number, number, number][] = [
      [start + 12_345, at(10_850) - 777, 7], // wide, unaligned edges: per-minute aggregates plus raw edges
      [Date.UTC(2025, 2, 3, 4), Date.UTC(2025, 2, 3, 8), 24], // wide, minute-aligned
      [start - 5000, at(10_899) + 1, 1000], // narrow buckets: raw readings only
      [start + 1_000_003, start + 1_000_003 + 3 * 3_600_000, 1], // one bucket
    ];
    for (const [from, to, buckets] of cases) {
      const d = await r.downsample('c-ds', from, to, buckets);
      const expected = brute(from, to, buckets);
      expect(Array.from(d.ts)).toEqual(expected.map(([b]) => from + (b * (to - from)) / buckets));
      expect(Array.from(d.count)).toEqual(expected.map(([, a]) => a.n));
      expect(Array.from(d.min)).toEqual(expected.map(([, a]) => a.min));
      expect(Array.from(d.max)).toEqual(expected.map(([, a]) => a.max));
      d.mean.forEach((m, i) => expect(m).toBeCloseTo(expected[i]![1].sum / expected[i]![1].n, 9));
    }
  });

  it('exports CSV and Parquet with filters', async () => {
    const r = t.store.readings;
    const csv = join(dir, `${factory.kind}.csv`);
    const n = await r.exportReadings({
      channelIds: ['c-fridge'],
      from: T0,
      to: T0 + 3000,
      format: 'csv',
      path: csv,
    });
    expect(n).toBe(3);
    const lines = (await readFile(csv, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('channel_id,time,value,quality');
    expect(lines[1]).toBe(`c-fridge,${new Date(T0).toISOString()},${seriesValue(1, 0)},0`);
    expect(lines).toHaveLength(4);
    const parquet = join(dir, `${factory.kind}.parquet`);
    const all = await r.count('c-mains');
    expect(await r.exportReadings({ channelIds: ['c-mains'], format: 'parquet', path: parquet })).toBe(all);
    const duck = await DuckDBInstance.create(':memory:');
    const conn = await duck.connect();
    try {
      const rows = (
        await conn.runAndReadAll(
          `SELECT count(*) AS n, epoch_ms(min(time)) AS a, typeof(min(time)) AS t, sum(value) AS s, min(channel_id) AS c FROM read_parquet('${parquet}')`,
        )
      ).getRowObjectsJS();
      const expected = (await r.readColumns('c-mains', -1e13, 1e13)).value.reduce((s, v) => s + v, 0);
      expect(Number(rows[0]?.['n'])).toBe(all);
      expect(rows[0]?.['c']).toBe('c-mains');
      // A typed time adjusted to UTC, not a number of milliseconds.
      expect(rows[0]?.['t']).toBe('TIMESTAMP WITH TIME ZONE');
      expect(Number(rows[0]?.['a'])).toBe((await r.readColumns('c-mains', -1e13, 1e13)).ts[0]);
      expect(Number(rows[0]?.['s'])).toBeCloseTo(expected, 6);
    } finally {
      conn.closeSync();
      duck.closeSync();
    }
  });
}
