import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadscopeError } from '../errors.ts';
import type { RollupRow } from '../store/ports/rollups.ts';
import { STORE_FACTORIES, type TestStore } from '../store/contract/factories.ts';
import { BATCH_STEPS, runBatch } from './run-batch.ts';
import { channelBatch, steps } from './test-support.ts';
import { seedFacility } from './test-support.ts';

const DAY = 86_400_000;
const start = Date.parse('2024-06-01T04:00:00Z'); // local midnight in New York (EDT)

function wave(ts: number[], k: number): number[] {
  return ts.map((t, i) => 300 + 200 * Math.sin(t / 3_600_000 + k) + (i % 13));
}

const key = (r: RollupRow) => `${r.key}@${r.start}`;
const snapshot = (rows: RollupRow[]) => new Map(rows.map((r) => [key(r), r]));
/** Whether a row differs from its earlier version beyond floating-point summation order. */
const differs = (a: RollupRow | undefined, b: RollupRow) =>
  !a ||
  Math.abs(a.energy - b.energy) > 1e-9 * Math.abs(b.energy) ||
  a.samples !== b.samples ||
  Math.abs(a.coverage - b.coverage) > 1e-12;

describe.each(STORE_FACTORIES)('incremental batch on $kind', (factory) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await factory.open();
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('recomputes only the days touched by new readings, with the same result as a full run', async () => {
    const store = t.store;
    await seedFacility(store, {
      facilityId: 'inc',
      timeZone: 'America/New_York',
      channels: [{ id: 'inc-a' }, { id: 'inc-b' }],
    });
    const deps = { rollups: store.rollups, changes: store.readings, now: Date.now };
    const first = steps(start, start + 3 * DAY, 60_000);
    await store.readings.write(channelBatch('inc-a', first, wave(first, 1)));
    await store.readings.write(channelBatch('inc-b', first, wave(first, 2)));
    const s1 = await runBatch(deps);
    expect(s1).toMatchObject({
      mode: 'incremental',
      changes: 2,
      channels: 2,
      days: 8,
      dayRows: 6,
      thresholdName: 'p97',
      thresholds: 2,
    });
    const hoursBefore = snapshot(await store.rollups.listRollups({ level: 'channel', period: 'hour' }));
    const daysBefore = snapshot(await store.rollups.listRollups({ level: 'channel', period: 'day' }));
    const [thrBefore] = await store.rollups.getThresholds();

    // One more day of channel a only.
    const fourth = steps(start + 3 * DAY, start + 4 * DAY, 60_000);
    await store.readings.write(channelBatch('inc-a', fourth, wave(fourth, 1)));
    const s2 = await runBatch(deps);
    // Day 3 (its last minute now ends at a new sample) and day 4 of channel a.
    expect(s2).toMatchObject({ changes: 1, channels: 1, days: 2, dayRows: 2, hourRows: 48, thresholds: 1 });
    const hoursAfter = snapshot(await store.rollups.listRollups({ level: 'channel', period: 'hour' }));
    const daysAfter = snapshot(await store.rollups.listRollups({ level: 'channel', period: 'day' }));
    expect(hoursAfter.size).toBe(hoursBefore.size + 24);
    const changed = [...hoursAfter.values()].filter((r) => differs(hoursBefore.get(key(r)), r));
    // The new day's 24 hours, and the last hour of day 3 (its last interval is integrated now).
    expect(changed.map(key).sort()).toEqual(
      [
        ...Array.from({ length: 24 }, (_, h) => `inc-a@${start + 3 * DAY + h * 3_600_000}`),
        `inc-a@${start + 3 * DAY - 3_600_000}`,
      ].sort(),
    );
    const changedDays = [...daysAfter.values()].filter((r) => differs(daysBefore.get(key(r)), r));
    expect(changedDays.map((r) => r.label)).toEqual(['2024-06-03', '2024-06-04']);
    expect(changedDays[0]?.key).toBe('inc-a');
    const [thrAfter] = await store.rollups.getThresholds();
    expect(thrAfter?.channelId).toBe('inc-a');
    expect(thrAfter?.to).toBe(fourth[fourth.length - 1]);
    expect(thrAfter?.value).not.toBe(thrBefore?.value);

    // Equal to a full recompute, row by row (floating sums may differ in the last bits).
    const full = await runBatch(deps, { full: true });
    expect(full).toMatchObject({ mode: 'full', changes: 0, channels: 2, dayRows: 7 });
    const hoursFull = await store.rollups.listRollups({ level: 'channel', period: 'hour' });
    expect(hoursFull.length).toBe(hoursAfter.size);
    for (const r of hoursFull) {
      const inc = hoursAfter.get(key(r));
      expect(inc?.energy).toBeCloseTo(r.energy, 9);
      expect(inc?.coverage).toBeCloseTo(r.coverage, 12);
      expect(inc?.samples).toBe(r.samples);
    }
    const daysFull = await store.rollups.listRollups({ level: 'channel', period: 'day' });
    for (const r of daysFull) expect(daysAfter.get(key(r))?.energy).toBeCloseTo(r.energy, 9);

    // Nothing new: nothing recomputed.
    expect(await runBatch(deps)).toMatchObject({ changes: 0, days: 0, hourRows: 0, thresholds: 0 });
  });

  it('widens a change by the maximum gap to the previous day and merges overlapping days', async () => {
    const store = t.store;
    await seedFacility(store, {
      facilityId: 'gap',
      timeZone: 'Europe/Berlin',
      channels: [{ id: 'gap-a', intervalMs: 3_600_000, maxGapMs: 3 * 3_600_000 }],
    });
    const deps = { rollups: store.rollups, changes: store.readings, now: Date.now };
    await store.readings.ackChanges((await store.readings.peekChanges()).token);
    const base = Date.parse('2024-06-09T22:00:00Z'); // local midnight 2024-06-10 in Berlin (CEST)
    // Hourly samples on day 1 until 22:00 local, then a new sample at 00:30 local on day 2.
    const d1 = steps(base, base + 23 * 3_600_000, 3_600_000);
    await store.readings.write(
      channelBatch(
        'gap-a',
        d1,
        d1.map(() => 100),
      ),
    );
    await runBatch(deps);
    const [before] = await store.rollups.listRollups({ level: 'channel', period: 'day', channelId: 'gap-a' });
    expect(before?.energy).toBeCloseTo(2200, 9);
    await store.readings.write(
      channelBatch('gap-a', [base + DAY + 1_800_000, base + DAY + 3_600_000], [100, 100]),
    );
    const s = await runBatch(deps);
    expect(s.days).toBe(2);
    const days = await store.rollups.listRollups({ level: 'channel', period: 'day', channelId: 'gap-a' });
    // The 22:00 sample's interval to 00:30 (2.5 h, within the 3 h gap) now counts on day 1.
    expect(days.map((d) => [d.label, d.energy])).toEqual([
      ['2024-06-10', 2200 + 250],
      ['2024-06-11', 50],
    ]);
  });

  it('a run that fails before acknowledging loses no change: the next incremental run equals a full one', async () => {
    const store = t.store;
    await seedFacility(store, {
      facilityId: 'fail',
      timeZone: 'America/Chicago',
      channels: [{ id: 'fail-a' }, { id: 'fail-b' }],
    });
    const deps = { rollups: store.rollups, changes: store.readings, now: Date.now };
    const base = Date.parse('2024-07-01T05:00:00Z'); // local midnight in Chicago (CDT)
    const writeDay = async (channelId: string, day: number, k: number) => {
      const ts = steps(base + day * DAY, base + (day + 1) * DAY, 60_000);
      await store.readings.write(channelBatch(channelId, ts, wave(ts, k)));
    };
    await writeDay('fail-a', 0, 1);
    await writeDay('fail-b', 0, 2);
    await runBatch(deps);
    const rows = async () =>
      Promise.all(
        (['hour', 'day'] as const).map((period) =>
          store.rollups.listRollups({ level: 'channel', period, facilityId: 'fail' }),
        ),
      );
    const thresholds = async () =>
      (await store.rollups.getThresholds())
        .filter((x) => x.channelId.startsWith('fail-'))
        .map(({ computedAt: _, ...x }) => x);

    // Fail once after each step in turn; the failure is injected through the progress option.
    for (const [i, failAt] of BATCH_STEPS.entries()) {
      const day = i + 1;
      await writeDay('fail-a', day, 1);
      await writeDay('fail-b', day, 2 + day);
      const injected = new Error(`injected failure after '${failAt}'`);
      const failed = runBatch(deps, {
        onStep: (s) => {
          if (s === failAt) throw injected;
        },
      });
      const err = (await failed.catch((e: unknown) => e)) as LoadscopeError;
      expect(err).toMatchObject({ code: 'BATCH_INCOMPLETE', exitCode: 75, cause: injected });
      expect(err.message).toMatch(/2 pending change\(s\).*they stay pending/);
      expect(err.message).not.toMatch(/--full/);
      // The changes are still pending; more arrive before the next run (a late sample of b's previous day).
      expect((await store.readings.peekChanges()).changes.map((c) => c.channelId)).toEqual([
        'fail-a',
        'fail-b',
      ]);
      await store.readings.write(channelBatch('fail-b', [base + day * DAY - 30_000], [999]));

      const next = await runBatch(deps);
      expect(next).toMatchObject({ mode: 'incremental', changes: 3, channels: 2 });
      expect((await store.readings.peekChanges()).changes).toEqual([]);
      const [hours, days] = await rows();
      const thr = await thresholds();

      expect(await runBatch(deps, { full: true })).toMatchObject({ changes: 0 });
      const [fullHours, fullDays] = await rows();
      expect(days).toHaveLength(2 * (day + 1));
      for (const [inc, full] of [
        [hours, fullHours],
        [days, fullDays],
      ] as const) {
        expect(inc?.map(key)).toEqual(full?.map(key));
        full?.forEach((r, j) => {
          expect(inc?.[j]?.energy).toBeCloseTo(r.energy, 9);
          expect(inc?.[j]?.coverage).toBeCloseTo(r.coverage, 12);
          expect(inc?.[j]?.samples).toBe(r.samples);
        });
      }
      expect(thr).toEqual(await thresholds());
    }
  });
});
