import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Channel, Facility } from '../domain/types.ts';
import { electricityMeter, seriesBatch } from '../store/contract/fixtures.ts';
import { createDuckdbStore } from '../store/duckdb/index.ts';
import type { RollupQuery } from '../store/ports/rollups.ts';
import { facilityStats, powerOf } from './facility-stats.ts';
import { localDate } from './periods.ts';

const ch = (
  measurement: Channel['measurement'],
  unit: Channel['unit'],
  intervalMs: number | null,
): Channel => ({
  id: 'c',
  meterId: 'm',
  name: 'mains',
  isMains: true,
  appliance: null,
  measurement,
  unit,
  intervalMs,
  maxGapMs: null,
  rolloverAt: null,
});

describe('powerOf', () => {
  it('reads power channels and converts electric interval energy to mean power', () => {
    expect(powerOf(ch('power', 'W', 1000), 250)).toBe(250);
    expect(powerOf(ch('power', 'kW', 1000), 1.5)).toBe(1500);
    expect(powerOf(ch('interval', 'Wh', 900_000), 250)).toBe(1000); // 250 Wh in 15 min
    expect(powerOf(ch('interval', 'kWh', 3_600_000), 2)).toBe(2000);
    expect(powerOf(ch('interval', 'Wh', null), 250)).toBeUndefined();
    expect(powerOf(ch('interval', 'm3', 3_600_000), 1)).toBeUndefined();
    expect(powerOf(ch('register', 'kWh', null), 1)).toBeUndefined();
  });
});

describe('facilityStats', () => {
  it("finds today's energy in the zones furthest east and west with one rollup query per UTC day", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ls-stats-'));
    const store = await createDuckdbStore({ path: join(dir, 's.duckdb'), threads: 1 });
    try {
      await store.migrate();
      await store.catalog.upsertOrganisations([{ id: 'o', name: 'O', createdAt: 0 }]);
      const zones = ['Pacific/Kiritimati', 'Etc/GMT+12']; // UTC+14 and UTC-12
      const facilities: Facility[] = zones.map((timeZone, i) => ({
        id: `f${i}`,
        orgId: 'o',
        name: `F${i}`,
        kind: 'residential',
        address: null,
        zip: null,
        timeZone,
        tags: [],
        createdAt: 0,
      }));
      await store.catalog.upsertFacilities(facilities);
      await store.catalog.upsertMeters(facilities.map((f) => electricityMeter(`${f.id}-m`, f.id)));
      await store.catalog.upsertChannels(
        facilities.map((f) => ({ ...ch('power', 'W', 900_000), id: `${f.id}-c`, meterId: `${f.id}-m` })),
      );
      const day = Date.UTC(2024, 2, 10);
      for (const f of facilities) {
        await store.readings.write(seriesBatch([`${f.id}-c`], day - 3 * 86_400_000, 7 * 96, 900_000));
      }
      await store.rollups.recompute('all');
      const queries = new Set<string>();
      const listRollups = (q: RollupQuery) => {
        queries.add(JSON.stringify(q));
        return store.rollups.listRollups(q);
      };
      for (const hour of [0, 5, 11, 12, 18, 23.9]) {
        const now = day + hour * 3_600_000;
        const stats = await facilityStats(store, facilities, now, { listRollups });
        for (const f of facilities) {
          const today = await store.rollups.listRollups({
            level: 'facility',
            period: 'day',
            facilityId: f.id,
          });
          const expected = today.find((r) => r.label === localDate(now, f.timeZone));
          expect(expected, `${f.timeZone} at ${hour} h`).toBeDefined();
          expect(stats.get(f.id)?.today).toEqual([{ unit: 'Wh', energy: expected?.energy }]);
        }
      }
      expect(queries.size).toBe(1);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
