/**
 * A full batch recomputes every rollup from the store. Once a retention run has moved an organisation's
 * older readings into the lake (and, with a short minute window, its minute rows are gone too), a full
 * run recomputes only the days the store still holds whole, keeps the rollups before them as they were
 * and says so, on both stores; the pending changes are recomputed with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FACTORIES, type TestStore } from '../store/contract/factories.ts';
import { runBatch } from './run-batch.ts';
import { channelBatch, seedFacility, steps } from './test-support.ts';

const DAY = 86_400_000;
// Midnight in New York: the facility's local days start here.
const start = Date.parse('2024-06-01T04:00:00Z');

for (const factory of STORE_FACTORIES) {
  describe(`batch --full after retention: ${factory.kind}`, () => {
    let t: TestStore;
    beforeAll(async () => {
      t = await factory.open();
    });
    afterAll(async () => {
      await t?.destroy();
    });

    it('recomputes the days the store holds, keeps the rollups of the moved days, and says so', async () => {
      const store = t.store;
      await seedFacility(store, {
        facilityId: 'ret',
        timeZone: 'America/New_York',
        channels: [{ id: 'ret-a' }],
      });
      const deps = {
        rollups: store.rollups,
        changes: store.readings,
        now: Date.now,
        retention: store.retention,
      };
      const ts = steps(start, start + 6 * DAY, 60_000);
      await store.readings.write(
        channelBatch(
          'ret-a',
          ts,
          ts.map(() => 500),
        ),
      );
      const first = await runBatch(deps, { full: true });
      expect(first).toMatchObject({ mode: 'full', channels: 1 });
      expect(first.kept).toBeUndefined();
      const days = async () =>
        (await store.rollups.listRollups({ level: 'channel', period: 'day' })).map((r) => [
          new Date(r.start).toISOString().slice(0, 10),
          Number(r.energy.toFixed(6)),
        ]);
      const before = await days();
      expect(before).toHaveLength(6);
      expect(before[0]).toEqual(['2024-06-01', 12_000]); // Wh: 500 W for 24 h

      // What a retention run with a two-day minute window does to the first two days.
      const boundary = start + 2 * DAY;
      const moved = await store.retention.rawSlice('org-t', start, boundary);
      expect(await store.retention.dropRaw('org-t', start, boundary, moved.length)).toBe(true);
      await store.retention.markLakeBefore('org-t', boundary);
      await store.retention.dropMinutes('org-t', boundary);
      await store.retention.recordRun(
        'org-t',
        { at: Date.now(), copied: 0, deleted: moved.length, minutesDeleted: 0, skippedDays: 0 },
        boundary,
      );

      // One more hour a day later at 1,500 W: a pending change the full run takes with it.
      const more = steps(start + 6 * DAY + 3_600_000, start + 6 * DAY + 7_200_000, 60_000);
      await store.readings.write(
        channelBatch(
          'ret-a',
          more,
          more.map(() => 1500),
        ),
      );

      const full = await runBatch(deps, { full: true });
      expect(full.mode).toBe('full');
      expect(full.kept).toEqual([{ orgId: 'org-t', before: boundary + 2 * DAY }]);
      // From two days after the boundary, reaching back by the channel's gap to the day before: 4 to 7
      // June are recomputed, 1 to 3 June kept.
      expect(full.days).toBe(4);
      const after = await days();
      expect(after.slice(0, 6)).toEqual(before);
      expect(after[6]?.[0]).toBe('2024-06-07');
      expect((await store.rollups.getThresholds('p97')).map((x) => x.channelId)).toEqual(['ret-a']);
    });
  });
}
