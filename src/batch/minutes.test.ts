/**
 * The full batch reads the store's minute rows instead of raw readings (issue 12); it must give the
 * raw formula's result. The incremental batch reads raw readings (the changed days), so the test
 * writes channels every way the store can receive them, runs the incremental batch over all of it
 * (raw), then the full batch (minute rows), and compares every hourly and daily row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RollupRow } from '../store/ports/rollups.ts';
import { STORE_FACTORIES, type TestStore } from '../store/contract/factories.ts';
import { runBatch } from './run-batch.ts';
import { channelBatch, seedFacility, steps } from './test-support.ts';

const DAY = 86_400_000;
const start = Date.parse('2024-03-09T05:00:00Z'); // local midnight in New York, the day before DST
const end = start + 3 * DAY;

/** A deterministic load with jitter-free variety: values in 1/8 W and a few zeros. */
function load(ts: number[], k: number): number[] {
  return ts.map((t, i) => (i % 17 === 0 ? 0 : Math.round(8 * (400 + 300 * Math.sin(t / 5_000_000 + k))) / 8));
}

/** Splits `ts` into `parts` consecutive runs of uneven length. */
function cuts(ts: number[], parts: number): number[][] {
  const out: number[][] = [];
  let i = 0;
  for (let p = 0; p < parts; p++) {
    const j =
      p === parts - 1
        ? ts.length
        : Math.min(ts.length, i + Math.floor((ts.length / parts) * (0.5 + ((p * 7) % 5) / 4)));
    out.push(ts.slice(i, j));
    i = j;
  }
  return out.filter((x) => x.length > 0);
}

describe.each(STORE_FACTORIES)('full batch from minute rows on $kind', (factory) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await factory.open();
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('gives the raw-reading batch result for every way readings arrive', async () => {
    const store = t.store;
    await seedFacility(store, {
      facilityId: 'mn',
      timeZone: 'America/New_York',
      channels: [
        { id: 'mn-runs' }, // 60 s, written in uneven runs that end mid-minute
        { id: 'mn-jitter', intervalMs: 10_000, unit: 'kW' }, // 10 s with jitter, kW
        { id: 'mn-outage' }, // a 20-minute outage: longer than 3 x nominal, read raw
        { id: 'mn-interleaved' }, // a second write inside the first one's span: read raw
        { id: 'mn-interval', measurement: 'interval', unit: 'Wh', intervalMs: 300_000 },
        { id: 'mn-register', measurement: 'register', unit: 'Wh', intervalMs: 60_000, maxGapMs: 600_000 },
        { id: 'mn-gap', maxGapMs: 120_000 }, // explicit gap, every step within it
        { id: 'mn-merged' }, // unordered and overlapping writes: the store's merge path
        { id: 'mn-nointerval', intervalMs: null }, // no nominal interval: 5-minute gap rule
      ],
    });
    const w = (id: string, ts: number[], v: number[]) => store.readings.write(channelBatch(id, ts, v));

    const minute = steps(start, end, 60_000);
    for (const part of cuts(minute, 7)) await w('mn-runs', part, load(part, 1));
    const jit = steps(start, end, 10_000).map((x, i) => x + ((i * 7919) % 3001));
    for (const part of cuts(jit, 5))
      await w(
        'mn-jitter',
        part,
        load(part, 2).map((v) => v / 1000),
      );
    const out = minute.filter((x) => x < start + DAY || x >= start + DAY + 20 * 60_000);
    await w('mn-outage', out, load(out, 3));
    const even = minute.filter((_, i) => i % 2 === 0);
    const odd = minute.filter((_, i) => i % 2 === 1);
    await w('mn-interleaved', even, load(even, 4));
    await w('mn-interleaved', odd, load(odd, 4));
    const five = steps(start, end, 300_000);
    await w(
      'mn-interval',
      five,
      load(five, 5).map((v) => v / 12),
    );
    await w(
      'mn-register',
      minute,
      minute.map((_, i) => 1000 + i * 7),
    );
    await w('mn-gap', minute, load(minute, 6));
    const shuffled = [...minute.slice(0, 3000)].sort((a, b) => ((a * 31) % 977) - ((b * 31) % 977));
    await w('mn-merged', shuffled, load(shuffled, 7));
    const again = minute.slice(2500, 4320);
    await w('mn-merged', again, load(again, 7)); // 500 repeats, then new readings
    const sparse = steps(start, end, 240_000);
    await w('mn-nointerval', sparse, load(sparse, 8));

    const deps = { rollups: store.rollups, changes: store.readings, now: Date.now };
    const rows = async () =>
      Promise.all(
        (['hour', 'day'] as const).map((period) =>
          store.rollups.listRollups({ level: 'channel', period, facilityId: 'mn' }),
        ),
      );
    const inc = await runBatch(deps); // the changed days, from raw readings
    expect(inc.mode).toBe('incremental');
    const [rawHours, rawDays] = await rows();
    const full = await runBatch(deps, { full: true });
    const [hours, days] = await rows();
    // Read from minute rows: every channel but the outage, the interleaved writes and the register.
    expect(full.fromMinutes).toBe(6);
    expect(full.channels).toBe(9);

    const key = (r: RollupRow) => `${r.key}@${r.start}`;
    for (const [raw, fast] of [
      [rawHours, hours],
      [rawDays, days],
    ] as const) {
      expect(fast?.map(key)).toEqual(raw?.map(key));
      expect(fast?.length).toBeGreaterThan(20);
      fast?.forEach((r, j) => {
        const o = raw?.[j] as RollupRow;
        const what = `${key(r)} ${r.label}`;
        expect(r.energy, what).toBeCloseTo(o.energy, 6);
        expect(r.coverage, what).toBeCloseTo(o.coverage, 12);
        expect(r.samples, what).toBe(o.samples);
        expect(r.minPower, what).toBe(o.minPower);
        expect(r.maxPower, what).toBe(o.maxPower);
        if (o.meanPower === null) expect(r.meanPower).toBeNull();
        else expect(r.meanPower, what).toBeCloseTo(o.meanPower, 6);
      });
    }
    // Three UTC days from local midnight end at 01:00 on the fourth local day (the DST day has 23 h).
    expect(days?.filter((d) => d.key === 'mn-runs').map((d) => d.label)).toEqual([
      '2024-03-09',
      '2024-03-10',
      '2024-03-11',
      '2024-03-12',
    ]);
    expect(days?.filter((d) => d.energy > 0).length).toBeGreaterThanOrEqual(27);
  });
});
