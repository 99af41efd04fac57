import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Channel, Facility } from '../domain/types.ts';
import { electricityMeter, seriesBatch } from '../store/contract/fixtures.ts';
import { createDuckdbStore } from '../store/duckdb/index.ts';
import type { RollupQuery } from '../store/ports/rollups.ts';
import { livePowerChannels, powerOf } from '../domain/power.ts';
import { facilityStats } from './facility-stats.ts';
import { localDate } from '../util/time/index.ts';

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

describe('livePowerChannels', () => {
  it("takes each meter's measured mains power, else its interval energy, never both", () => {
    const measured = { ...ch('power', 'W', 1000), id: 'a.p', meterId: 'a' };
    const alsoEnergy = { ...ch('interval', 'Wh', 900_000), id: 'a.e', meterId: 'a' };
    const energyOnly = { ...ch('interval', 'Wh', 300_000), id: 'b.e', meterId: 'b' };
    const gas = { ...ch('interval', 'm3', 3_600_000), id: 'c.g', meterId: 'c' };
    const sub = { ...ch('power', 'W', 1000), id: 'a.fridge', meterId: 'a', isMains: false };
    expect(livePowerChannels([measured, alsoEnergy, energyOnly, gas, sub]).map((c) => c.id)).toEqual([
      'a.p',
      'b.e',
    ]);
  });
});

describe('facilityStats', () => {
  it('derives live power from interval energy where a facility has no power channel, and says so', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ls-stats-'));
    const store = await createDuckdbStore({ path: join(dir, 's.duckdb'), threads: 1 });
    try {
      await store.migrate();
      await store.catalog.upsertOrganisations([{ id: 'o', name: 'O', createdAt: 0 }]);
      const facilities: Facility[] = ['home', 'lab'].map((id) => ({
        id,
        orgId: 'o',
        name: id,
        kind: 'residential',
        address: null,
        zip: null,
        timeZone: 'UTC',
        tags: [],
        createdAt: 0,
      }));
      await store.catalog.upsertFacilities(facilities);
      await store.catalog.upsertMeters([
        electricityMeter('home-m', 'home'),
        electricityMeter('lab-m', 'lab'),
      ]);
      await store.catalog.upsertChannels([
        { ...ch('interval', 'Wh', 300_000), id: 'home-m.mains', meterId: 'home-m' },
        { ...ch('power', 'W', 1000), id: 'lab-m.mains', meterId: 'lab-m' },
        { ...ch('interval', 'Wh', 900_000), id: 'lab-m.energy', meterId: 'lab-m' },
      ]);
      const now = Date.UTC(2026, 0, 5, 12);
      await store.live.upsertLatest([
        { channelId: 'home-m.mains', ts: now - 300_000, value: 125 }, // 125 Wh in 5 min = 1500 W
        { channelId: 'lab-m.mains', ts: now - 1000, value: 700 },
        { channelId: 'lab-m.energy', ts: now - 900_000, value: 100 },
      ]);
      const stats = await facilityStats(store, facilities, now);
      expect(stats.get('home')).toMatchObject({ latestPower: 1500, latestPowerDerived: true });
      // Measured power wins over the same meter's interval energy: counted once, not 700 + 400.
      expect(stats.get('lab')).toMatchObject({ latestPower: 700, latestPowerDerived: false });
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

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
