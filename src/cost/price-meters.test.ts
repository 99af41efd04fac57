/**
 * The cost step of the batch layer on both stores, from readings to served costs, against figures
 * worked out by hand: a New York meter on a time-of-use tariff over the spring clock change (the
 * 23-hour 10 March 2024), a sub-meter priced at its meter's hourly price, CO2 from a region profile,
 * an incremental run that reprices the month, and a tariff change in the middle of the month.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../batch/run-batch.ts';
import { channelBatch, seedFacility, steps } from '../batch/test-support.ts';
import { electricityMeter } from '../store/contract/fixtures.ts';
import { STORE_FACTORIES, type TestStore } from '../store/contract/factories.ts';
import type { StoredTariff } from '../store/ports/tariffs.ts';
import type { Store } from '../store/store.ts';
import { priceMeters } from './price-meters.ts';

const HOUR = 3_600_000;
const mar9 = Date.parse('2024-03-09T05:00:00Z'); // local midnight, EST

/** A stored version of 'Home TOU': peak 08-24 every day; standing $1 a day. */
function tou(validFrom: string, validTo: string | null, peak: number): StoredTariff {
  const definition = {
    name: 'Home TOU',
    commodity: 'electricity',
    currency: 'USD',
    validFrom,
    ...(validTo ? { validTo } : {}),
    standingPerDay: 1,
    energy: { kind: 'tou', periods: [{ name: 'peak', from: 8, to: 24, rate: peak }], otherwise: 0.1 },
    region: 'R',
  };
  return {
    orgId: 'org-t',
    name: 'Home TOU',
    commodity: 'electricity',
    validFrom,
    validTo,
    definition,
    importedAt: 0,
  };
}

async function writeHours(store: Store, from: number, to: number) {
  const ts = steps(from, to, HOUR);
  await store.readings.write(
    channelBatch(
      'cost-mains',
      ts,
      ts.map(() => 1000),
    ),
  );
  await store.readings.write(
    channelBatch(
      'cost-oven',
      ts,
      ts.map(() => 250),
    ),
  );
}

describe.each(STORE_FACTORIES)('cost step of the batch on $kind', (factory) => {
  let t: TestStore;
  const batch = (full = false) =>
    runBatch(
      {
        rollups: t.store.rollups,
        changes: t.store.readings,
        now: Date.now,
        costs: (scope) => priceMeters(t.store, scope),
      },
      { full },
    );
  const day = async (level: 'meter' | 'channel' | 'facility', key: string, label: string) => {
    const rows = await t.store.tariffs.listCosts({ level, period: 'day' });
    return rows.find((r) => r.key === key && r.label === label);
  };
  const month = async (key = 'cost-m') =>
    (await t.store.tariffs.listCosts({ level: 'meter', period: 'month' })).find((r) => r.key === key);

  beforeAll(async () => {
    t = await factory.open();
    const hourly = { measurement: 'interval' as const, unit: 'Wh' as const, intervalMs: HOUR };
    await seedFacility(t.store, {
      facilityId: 'cost',
      timeZone: 'America/New_York',
      zip: '10001',
      channels: [
        { id: 'cost-mains', isMains: true, ...hourly },
        { id: 'cost-oven', appliance: 'oven', ...hourly },
      ],
    });
    await t.store.catalog.upsertMeters([{ ...electricityMeter('cost-m', 'cost'), tariff: 'Home TOU' }]);
    await t.store.tariffs.putTariffs([tou('2024-01-01', null, 0.3)]);
    await t.store.tariffs.putIntensity('org-t', [
      ...Array.from({ length: 24 }, (_, hour) => ({ region: 'R', month: 0, hour, gPerKwh: 100 })),
    ]);
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('prices 9-11 March 2024 in New York: the 23-hour day costs $6.50, the others $6.60', async () => {
    // 1 kWh every hour from local midnight 9 March to local midnight 12 March: 24 + 23 + 24 hours.
    await writeHours(t.store, mar9, mar9 + 71 * HOUR);
    const s = await batch();
    expect(s.costs).toMatchObject({ meters: 1, warnings: [] });
    // 9 March: 8 off-peak x 0.10 + 16 peak x 0.30 + 1 = 6.60; 10 March: 7 x 0.10 + 16 x 0.30 + 1 = 6.50.
    expect((await day('meter', 'cost-m', '2024-03-09'))?.cost).toBeCloseTo(6.6, 9);
    const d10 = await day('meter', 'cost-m', '2024-03-10');
    expect(d10).toMatchObject({ start: Date.parse('2024-03-10T05:00:00Z'), currency: 'USD', unit: 'kWh' });
    expect(d10?.energy).toBeCloseTo(23, 9);
    expect(d10?.cost).toBeCloseTo(6.5, 9);
    expect(d10?.co2).toBeCloseTo(2.3, 9); // 23 kWh x 100 g
    expect((await day('meter', 'cost-m', '2024-03-11'))?.cost).toBeCloseTo(6.6, 9);
    // The oven's 0.25 kWh an hour at the meter's price: 7 x 0.025 + 16 x 0.075 = 1.375, no standing charge.
    expect((await day('channel', 'cost-oven', '2024-03-10'))?.cost).toBeCloseTo(1.375, 9);
    expect((await day('facility', 'cost', '2024-03-10'))?.cost).toBeCloseTo(6.5, 9);
    const m = await month();
    expect(m).toMatchObject({ label: '2024-03', start: Date.parse('2024-03-01T05:00:00Z') });
    expect(m?.cost).toBeCloseTo(6.6 + 6.5 + 6.6, 9);
    const hours = await t.store.tariffs.listCosts({
      level: 'meter',
      period: 'hour',
      from: d10!.start,
      to: d10!.start + 23 * HOUR,
    });
    expect(hours.map((h) => h.label.slice(11))).toEqual([
      '00',
      '01',
      ...Array.from({ length: 21 }, (_, i) => String(i + 3).padStart(2, '0')),
    ]);
  });

  it('reprices the month when a day arrives, and a full run gives the same', async () => {
    await writeHours(t.store, mar9 + 71 * HOUR, mar9 + 95 * HOUR); // 12 March, a Tuesday: $6.60
    const s = await batch();
    expect(s.costs?.meters).toBe(1);
    expect((await month())?.cost).toBeCloseTo(19.7 + 6.6, 9);
    const before = await t.store.tariffs.listCosts({ level: 'channel', period: 'hour' });
    await batch(true);
    expect(await t.store.tariffs.listCosts({ level: 'channel', period: 'hour' })).toEqual(before);
  });

  it('a new version from 11 March prices the days from then at its rates', async () => {
    await t.store.tariffs.putTariffs([tou('2024-01-01', '2024-03-11', 0.3), tou('2024-03-11', null, 0.5)]);
    await priceMeters(t.store, { orgIds: ['org-t'] });
    // 11 and 12 March: 8 x 0.10 + 16 x 0.50 + 1 = 9.80 each; 9 and 10 March unchanged.
    expect((await day('meter', 'cost-m', '2024-03-11'))?.cost).toBeCloseTo(9.8, 9);
    expect((await month())?.cost).toBeCloseTo(6.6 + 6.5 + 9.8 + 9.8, 9);
  });

  it('tells of a meter whose tariff has no prices, and leaves it unpriced', async () => {
    await t.store.catalog.upsertMeters([{ ...electricityMeter('cost-m', 'cost'), tariff: 'Unknown plan' }]);
    const s = await priceMeters(t.store, 'all');
    expect(s).toMatchObject({ meters: 0, unpriced: 1 });
    expect(s.warnings).toEqual(["org-t: no prices for tariff 'Unknown plan' (meter cost-m)"]);
    await t.store.catalog.upsertMeters([{ ...electricityMeter('cost-m', 'cost'), tariff: 'Home TOU' }]);
  });
});
