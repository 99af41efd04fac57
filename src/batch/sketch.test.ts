/**
 * Percentile thresholds from the per-channel, per-UTC-day sketch (sketch-sql.ts): within 0.5 % of the
 * exact percentile, exact on a few distinct levels, the sketch the reference in test-support.ts
 * describes, and the merge of days is the sketch of their union: day-by-day incremental runs, a late
 * reading into an earlier day and a full run all give the same thresholds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FACTORIES, type TestStore } from '../store/contract/factories.ts';
import type { Store } from '../store/store.ts';
import { runBatch } from './run-batch.ts';
import {
  channelBatch,
  exactActiveQuantile,
  referenceSketchQuantile,
  seedFacility,
  steps,
} from './test-support.ts';

const DAY = 86_400_000;
const day0 = Date.parse('2024-03-01T00:00:00Z');

/** A deterministic pseudo-random number in [0, 1). */
function rand(i: number): number {
  const x = Math.sin(i * 12.9898 + 78.233) * 43758.5453;
  return x - Math.floor(x);
}

/** A heavy-tailed load: log-normal-like watts, off (0) a third of the time. */
function load(ts: number[], seed: number): number[] {
  return ts.map((_, i) => {
    const u = rand(seed * 1_000_003 + i);
    if (u < 0.33) return 0;
    const z = Math.tan(Math.PI * (rand(seed * 7_919 + i) - 0.5)) * 0.3; // Cauchy-like tail
    return Math.exp(5 + Math.max(-4, Math.min(4, z)) + 2 * (u - 0.66));
  });
}

const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

async function threshold(store: Store, name: string, channelId: string): Promise<number | undefined> {
  return (await store.rollups.getThresholds(name)).find((x) => x.channelId === channelId)?.value;
}

describe.each(STORE_FACTORIES)('threshold sketches on $kind', (factory) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await factory.open();
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('reads each percentile within 0.5 % of the exact one, as the reference sketch does', async () => {
    const store = t.store;
    await seedFacility(store, { facilityId: 'sk', timeZone: 'UTC', channels: [{ id: 'sk-ln' }] });
    const ts = steps(day0, day0 + 3 * DAY, 30_000);
    const values = load(ts, 1);
    await store.readings.write(channelBatch('sk-ln', ts, values));
    let worst = 0;
    for (const p of [50, 90, 97, 99, 99.9]) {
      await store.rollups.computeThresholds({ percentile: p, channelIds: ['sk-ln'], now: 1 });
      const got = await threshold(store, `p${p}`, 'sk-ln');
      const exact = exactActiveQuantile(values, p / 100)!;
      const reference = referenceSketchQuantile(values, p / 100)!;
      expect(got, `p${p}`).toBeDefined();
      expect(relative(got!, reference), `p${p}: ${got} against the reference ${reference}`).toBeLessThan(
        1e-12,
      );
      expect(relative(got!, exact), `p${p}: ${got} against the exact ${exact}`).toBeLessThan(0.005);
      worst = Math.max(worst, relative(got!, exact));
    }
    // A sketch, not the exact values: some percentile is read from inside a bucket.
    expect(worst).toBeGreaterThan(0);
  });

  it('is exact when the ranks fall in buckets of one distinct value', async () => {
    const store = t.store;
    await seedFacility(store, { facilityId: 'lv', timeZone: 'UTC', channels: [{ id: 'lv-a' }] });
    const ts = steps(day0, day0 + 2 * DAY, 60_000);
    const levels = [0, 60, 60, 120.125, 800, 800, 800, 2000.5];
    const values = ts.map((_, i) => levels[Math.floor(rand(i + 17) * levels.length)]!);
    await store.readings.write(channelBatch('lv-a', ts, values));
    for (const p of [50, 97, 99]) {
      await store.rollups.computeThresholds({ percentile: p, channelIds: ['lv-a'], now: 1 });
      expect(await threshold(store, `p${p}`, 'lv-a')).toBe(exactActiveQuantile(values, p / 100));
    }
  });

  it('merges days as their union: day by day, a late reading and a full run agree', async () => {
    const store = t.store;
    const ids = ['mg-a', 'mg-b'];
    await seedFacility(store, {
      facilityId: 'mg',
      timeZone: 'Asia/Kolkata',
      channels: ids.map((id) => ({ id })),
    });
    const deps = { rollups: store.rollups, changes: store.readings, now: () => 5 };
    await store.readings.ackChanges((await store.readings.peekChanges()).token);
    const all = new Map<string, { ts: number[]; v: number[] }>(ids.map((id) => [id, { ts: [], v: [] }]));
    const write = async (id: string, ts: number[], v: number[]) => {
      await store.readings.write(channelBatch(id, ts, v));
      all.get(id)!.ts.push(...ts);
      all.get(id)!.v.push(...v);
    };
    for (let d = 0; d < 3; d++) {
      const ts = steps(day0 + d * DAY, day0 + (d + 1) * DAY, 60_000);
      await write('mg-a', ts, load(ts, 10 + d));
      if (d !== 1) await write('mg-b', ts, load(ts, 20 + d));
      await runBatch(deps, d === 0 ? {} : { percentile: 99 });
    }
    // Late readings into day 0 (a new maximum of that day) and into b's missing day 1.
    await write('mg-a', [day0 + 30_000, day0 + 90_000], [9_000, 4_000]);
    const late = steps(day0 + DAY + 15_000, day0 + 2 * DAY, 120_000);
    await write('mg-b', late, load(late, 99));
    const inc = await runBatch(deps);
    expect(inc.thresholds).toBe(4); // p97 and p99 of both channels
    const read = async () =>
      (await Promise.all(['p97', 'p99'].map((n) => store.rollups.getThresholds(n))))
        .flat()
        .filter((x) => ids.includes(x.channelId));
    const incremental = await read();
    expect(incremental).toHaveLength(4);
    for (const x of incremental) {
      const { ts, v } = all.get(x.channelId)!;
      expect(x.from).toBe(Math.min(...ts));
      expect(x.to).toBe(Math.max(...ts));
      const reference = referenceSketchQuantile(v, x.percentile! / 100)!;
      expect(relative(x.value, reference), `${x.name} of ${x.channelId}`).toBeLessThan(1e-12);
    }
    await runBatch(deps, { full: true });
    expect(await read()).toEqual(incremental);
  });
});
