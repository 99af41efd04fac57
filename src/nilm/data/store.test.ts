import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuckdbStore } from '../../store/duckdb/index.ts';
import type { Store } from '../../store/store.ts';
import { loadFacility } from './store.ts';
import { electricityMeter, plainFacility } from '../../store/contract/fixtures.ts';

const t0 = Date.UTC(2024, 0, 1);

describe('a facility from the store as a NILM house (DuckDB)', () => {
  let store: Store;
  beforeAll(async () => {
    store = await createDuckdbStore({ path: ':memory:', threads: 1 });
    await store.migrate();
    await store.catalog.upsertOrganisations([{ id: 'o', name: 'O', createdAt: 0 }]);
    await store.catalog.upsertFacilities([plainFacility('f', 'o', 'F')]);
    await store.catalog.upsertMeters([electricityMeter('m', 'f')]);
    const ch = (id: string, isMains: boolean, appliance: string | null, unit: 'W' | 'kW') => ({
      id,
      meterId: 'm',
      name: id,
      isMains,
      appliance,
      measurement: 'power' as const,
      unit,
      intervalMs: 10_000,
      maxGapMs: null,
      rolloverAt: null,
    });
    await store.catalog.upsertChannels([
      ch('leg1', true, null, 'W'),
      ch('leg2', true, null, 'kW'),
      ch('kettle', false, 'kettle', 'W'),
    ]);
    // Readings every 10 s for 2 minutes; leg 2 in kW; no readings at all in the third 30 s slot, and
    // none of leg 2 in the fourth.
    const ids = ['leg1', 'leg2', 'kettle'];
    const rows: [number, number, number][] = [];
    for (let s = 0; s < 120; s += 10) {
      if (s >= 60 && s < 90) continue;
      rows.push([0, t0 + s * 1000, 100], [2, t0 + s * 1000, s < 30 ? 2000 : 0]);
      if (s < 90) rows.push([1, t0 + s * 1000, 0.5]);
    }
    await store.readings.write({
      channelIds: ids,
      channel: Int32Array.from(rows, (r) => r[0]),
      ts: Float64Array.from(rows, (r) => r[1]),
      value: Float64Array.from(rows, (r) => r[2]),
      quality: new Uint8Array(rows.length),
      length: rows.length,
    });
  });
  afterAll(async () => store?.close());

  it('sums mains legs (kW scaled to W), keys sub-meters by appliance, and leaves slots missing a leg missing', async () => {
    const h = await loadFacility(store, 'f', t0, t0 + 120_000, 30_000);
    expect(Array.from(h.mains)).toEqual([600, 600, NaN, NaN]);
    expect(Array.from(h.appliances['kettle']!)).toEqual([2000, 0, NaN, 0]);
    expect(h.missing.mainsMissing).toBe(2);
  });

  it('says when a facility has no mains channel', async () => {
    await expect(loadFacility(store, 'nope', t0, t0 + 1, 30_000)).rejects.toThrow(
      /facility 'nope' has no mains power channel/,
    );
  });
});
