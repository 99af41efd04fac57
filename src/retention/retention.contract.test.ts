/**
 * The retention contract, run on both stores: settings per organisation; a run moves raw readings
 * older than the window into the lake (copying what the lake lacks) and deletes them from the store,
 * and leaves minute rows for their own window; every read across the boundary (read, columns,
 * extent, both downsampling regimes, CSV and Parquet exports) answers exactly what the store alone
 * answered before the move, reading for reading; a second run does nothing; a reading that arrives
 * late for a moved day is read with the others; a day the lake holds differently stays in the store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { STORE_FACTORIES, type TestStore } from '../store/contract/factories.ts';
import type { Downsampled, ReadingRepo } from '../store/ports/readings.ts';
import { RETENTION_DEFAULTS } from '../store/ports/retention.ts';
import { runRetention, utcMidnight } from './run.ts';
import { tieredReadings } from './tiered-readings.ts';
import {
  A_CHANNELS,
  B_CHANNEL,
  DAY,
  DAYS,
  NOW,
  T0,
  channelAnswers,
  exportAnswers,
  openWorldLake,
  seedWorld,
  worldBatch,
  writeWorld,
} from './testing/world.ts';

/** Downsampled columns compared exactly, the means to 1e-9 relative (sums in another order). */
function expectSameBuckets(after: Downsampled, before: Downsampled): void {
  expect([...after.ts]).toEqual([...before.ts]);
  expect([...after.min]).toEqual([...before.min]);
  expect([...after.max]).toEqual([...before.max]);
  expect([...after.count]).toEqual([...before.count]);
  after.mean.forEach((m, i) =>
    expect(Math.abs(m - (before.mean[i] as number))).toBeLessThan(1e-9 * Math.abs(m) + 1e-9),
  );
}

type Answers = Awaited<ReturnType<typeof channelAnswers>>;
function expectSameAnswers(after: Answers, before: Answers): void {
  expect(after.read).toEqual(before.read);
  expect(after.columns).toEqual(before.columns);
  expect(after.extent).toEqual(before.extent);
  expectSameBuckets(after.narrow, before.narrow);
  expectSameBuckets(after.wide, before.wide);
}

for (const factory of STORE_FACTORIES) {
  describe(`retention contract: ${factory.kind}`, () => {
    let t: TestStore;
    let world: Awaited<ReturnType<typeof openWorldLake>>;
    let tiered: ReadingRepo;
    const rawBefore = utcMidnight(NOW - RETENTION_DEFAULTS.rawDays * DAY);
    // Ranges that cross the boundary, end on it, and lie wholly below it.
    const ranges: [number, number][] = [
      [T0 + 3 * DAY + 3_333, T0 + 50 * DAY + 77_777],
      [T0, rawBefore],
      [T0 + DAY, T0 + 9 * DAY],
    ];
    const before = new Map<string, Answers>();
    let exportsBefore: Awaited<ReturnType<typeof exportAnswers>>;
    let exportsOneBefore: Awaited<ReturnType<typeof exportAnswers>>;

    beforeAll(async () => {
      t = await factory.open();
      world = await openWorldLake();
      await seedWorld(t.store);
      await writeWorld(t.store.readings);
      tiered = tieredReadings({
        readings: t.store.readings,
        retention: t.store.retention,
        catalog: t.store.catalog,
        lake: async () => world.lake,
      });
      for (const id of [...A_CHANNELS, B_CHANNEL])
        for (const [from, to] of ranges)
          before.set(`${id} ${from}`, await channelAnswers(tiered, id, from, to));
      exportsBefore = await exportAnswers(tiered, T0 + DAY / 3, T0 + 40 * DAY);
      exportsOneBefore = await exportAnswers(tiered, T0, T0 + DAYS * DAY, [A_CHANNELS[1]]);
    }, 120_000);
    afterAll(async () => {
      await world?.close();
      await t?.destroy();
    });

    it('keeps the defaults until set, and refuses settings that are not whole days from 1', async () => {
      expect(await t.store.retention.get('org-a')).toEqual({
        orgId: 'org-a',
        rawDays: 35,
        minuteDays: 400,
        lakeBefore: null,
        minutesBefore: null,
        lastRun: null,
      });
      await expect(t.store.retention.set('org-b', { rawDays: 0, minuteDays: 10 })).rejects.toThrow(
        /rawDays must be a whole number of days from 1/,
      );
      await expect(t.store.retention.set('org-b', { rawDays: 5, minuteDays: 2.5 })).rejects.toBeInstanceOf(
        InputError,
      );
      const b = await t.store.retention.set('org-b', { rawDays: 10, minuteDays: 20 });
      expect([b.rawDays, b.minuteDays]).toEqual([10, 20]);
      expect((await t.store.retention.list()).map((s) => [s.orgId, s.rawDays])).toEqual([
        ['org-a', 35],
        ['org-b', 10],
      ]);
      await t.store.retention.set('org-b', RETENTION_DEFAULTS);
    });

    it('moves what is older than the window into the lake, copying what the lake lacks', async () => {
      const countBefore = await t.store.readings.count();
      const r = await runRetention({ store: t.store, lake: world.lake, now: () => NOW }, 'org-a');
      const movedDays = (rawBefore - T0) / DAY;
      const perDay = (DAY / 600_000) * A_CHANNELS.length;
      expect(r).toMatchObject({
        rawBefore,
        copied: movedDays * perDay,
        deleted: movedDays * perDay,
        skippedDays: 0,
      });
      expect(await t.store.readings.count()).toBe(countBefore - movedDays * perDay);
      for (const id of A_CHANNELS) {
        expect((await t.store.readings.extent(id))?.from).toBe(rawBefore);
        expect(await world.lake.count({ channelIds: [id] })).toBe(movedDays * (DAY / 600_000));
      }
      // Org B kept everything.
      expect((await t.store.readings.extent(B_CHANNEL))?.from).toBe(T0);
      const state = await t.store.retention.get('org-a');
      expect(state).toMatchObject({ lakeBefore: rawBefore, minutesBefore: utcMidnight(NOW - 400 * DAY) });
      expect(state.lastRun).toMatchObject({ copied: r.copied, deleted: r.deleted });
    });

    it('lists what each channel still holds in the store, with its organisation', async () => {
      const held = await t.store.retention.heldExtents();
      for (const id of A_CHANNELS)
        expect(held.find((h) => h.channelId === id)).toEqual({
          channelId: id,
          orgId: 'org-a',
          ...(await t.store.readings.extent(id)),
        });
      expect(held.find((h) => h.channelId === B_CHANNEL)).toMatchObject({ orgId: 'org-b', from: T0 });
      const ids = held.map((h) => h.channelId);
      expect(ids).toEqual([...ids].sort());
    });

    it('answers every read across the boundary as the store alone did before, reading for reading', async () => {
      for (const id of [...A_CHANNELS, B_CHANNEL])
        for (const [from, to] of ranges)
          expectSameAnswers(
            await channelAnswers(tiered, id, from, to),
            before.get(`${id} ${from}`) as Answers,
          );
      expect(await exportAnswers(tiered, T0 + DAY / 3, T0 + 40 * DAY)).toEqual(exportsBefore);
      expect(await exportAnswers(tiered, T0, T0 + DAYS * DAY, [A_CHANNELS[1]])).toEqual(exportsOneBefore);
    });

    it('does nothing the second time', async () => {
      const r = await runRetention({ store: t.store, lake: world.lake, now: () => NOW }, 'org-a');
      expect(r).toMatchObject({ copied: 0, deleted: 0, skippedDays: 0 });
    });

    it('reads a reading that came late for a moved day with the others, and moves it next time', async () => {
      const late = worldBatch(T0 + 2 * DAY + 300_000, T0 + 2 * DAY + 300_001);
      expect((await t.store.readings.write(late)).inserted).toBe(3);
      const got = await tiered.read(A_CHANNELS[0], T0 + 2 * DAY, T0 + 2 * DAY + 1_200_000);
      expect(got.map((r) => r.ts - T0 - 2 * DAY)).toEqual([0, 300_000, 600_000]);
      const r = await runRetention({ store: t.store, lake: world.lake, now: () => NOW }, 'org-a');
      expect(r).toMatchObject({ copied: 2, deleted: 2 });
      expect(await tiered.read(A_CHANNELS[0], T0 + 2 * DAY, T0 + 2 * DAY + 1_200_000)).toEqual(got);
    });

    it('leaves a day in the store when the lake holds a reading of it differently', async () => {
      const day = T0 + 45 * DAY;
      // Org B's day 45, written to the lake first with other values (as a live path would have).
      await world.lake.append(worldBatch(day + 600_000, day + 1_200_000, 0.5));
      await world.lake.flush();
      const r = await runRetention({ store: t.store, lake: world.lake, now: () => NOW + 21 * DAY }, 'org-b');
      expect(r.conflicts).toBe(1);
      expect(await t.store.retention.rawSlice('org-b', day, day + DAY)).toMatchObject({ length: 144 });
      expect(await t.store.retention.rawSlice('org-b', day - DAY, day)).toMatchObject({ length: 0 });
      const readBack = await tiered.read(B_CHANNEL, day, day + 1_200_000);
      expect(readBack[1]?.value).toBe(worldBatch(day + 600_000, day + 600_001).value[2]);
    });

    it('deletes a slice only when it holds exactly the readings verified', async () => {
      const from = T0 + 50 * DAY;
      const n = (await t.store.retention.rawSlice('org-b', from, from + DAY)).length;
      expect(await t.store.retention.dropRaw('org-b', from, from + DAY, n - 1)).toBe(false);
      expect((await t.store.retention.rawSlice('org-b', from, from + DAY)).length).toBe(n);
    });

    it('deletes minute rows older than their window; wide charts then read raw readings', async () => {
      const wideBefore = await tiered.downsample(A_CHANNELS[0], T0, T0 + 50 * DAY, 101);
      await t.store.retention.set('org-a', { rawDays: 35, minuteDays: 30 });
      const r = await runRetention({ store: t.store, lake: world.lake, now: () => NOW }, 'org-a');
      expect(r.minutesDeleted).toBeGreaterThan(0);
      expectSameBuckets(await tiered.downsample(A_CHANNELS[0], T0, T0 + 50 * DAY, 101), wideBefore);
    });
  });
}
