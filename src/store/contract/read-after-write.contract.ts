/**
 * Contract of reads against writes made on other connections: writes (readings, catalog upserts, live
 * values, alert updates) go through the adapter's write connections, reads through its read
 * connections (DuckDB's read pool, PostgreSQL's pool); a read that starts after a write resolved sees it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Alert } from '../../domain/types.ts';
import type { StoreFactory, TestStore } from './factories.ts';
import { CATALOG, seedCatalog, seriesBatch } from './fixtures.ts';

/** Registers the read-after-write tests for one adapter (call inside a `describe`). */
export function readAfterWriteContract(factory: StoreFactory): void {
  let t: TestStore;
  beforeAll(async () => {
    t = await factory.open();
    await seedCatalog(t.store);
  });
  afterAll(async () => t?.destroy());

  it('a read started after a write resolved sees it, while other reads keep every read connection busy', async () => {
    const s = t.store;
    // Background readers, more than any pool has connections, so that the reads below queue behind
    // them and land on whichever connection frees up first.
    let stop = false;
    const busy = Array.from({ length: 6 }, async () => {
      let n = 0;
      while (!stop) {
        await Promise.all([s.readings.count('c-mains'), s.catalog.listChannels({ facilityId: 'fac-1' })]);
        n++;
      }
      return n;
    });
    const base = Date.UTC(2035, 0, 1);
    const alert: Alert = {
      id: 'raw-1',
      rule: 'overshoot',
      channelId: 'c-mains',
      facilityId: 'fac-1',
      orgId: 'org-a',
      ts: base,
      endTs: null,
      value: 1,
      threshold: null,
      unit: 'W',
      severity: 'warning',
      state: 'open',
      message: 'read-after-write',
      createdAt: base,
      updatedAt: base,
    };
    try {
      await s.alerts.insertAlerts([alert]);
      for (let i = 1; i <= 12; i++) {
        await s.readings.write(seriesBatch(['c-mains'], base + (i - 1) * 60_000, 1, 60_000));
        expect(await s.readings.count('c-mains')).toBe(i);
        const cols = await s.readings.readColumns('c-mains', base, base + 3_600_000);
        expect(cols.ts.length).toBe(i);
        expect((await s.readings.downsample('c-mains', base, base + 3_600_000, 10)).count[0]).toBe(
          Math.min(i, 6),
        );

        await s.live.upsertLatest([{ channelId: 'c-mains', ts: base + i, value: i }]);
        expect(await s.live.getLatest({ channelIds: ['c-mains'] })).toEqual([
          { channelId: 'c-mains', ts: base + i, value: i },
        ]);

        const name = `Maple House ${i}`;
        await s.catalog.upsertFacilities([{ ...CATALOG.facilities[0]!, name }]);
        expect((await s.catalog.getFacility('fac-1'))?.name).toBe(name);

        await s.alerts.updateAlert('raw-1', { state: i % 2 ? 'acknowledged' : 'open', updatedAt: base + i });
        expect((await s.alerts.getAlert('raw-1'))?.updatedAt).toBe(base + i);
      }
    } finally {
      stop = true;
    }
    // The background reads ran throughout (and none failed, or Promise.all would reject).
    expect((await Promise.all(busy)).every((n) => n > 0)).toBe(true);
  }, 60_000);
}
