/**
 * Contract of the tariff repository, run against both adapters on real databases: tariff versions
 * replaced per name, profiles replaced per region, cost rows replaced per meter from a start, and the
 * served levels (channel, meter, facility and zip code sums, per commodity) with their filters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FACTORIES, type TestStore } from './contract/factories.ts';
import { electricityMeter, plainFacility, powerMains } from './contract/fixtures.ts';
import type { CostRow, StoredTariff } from './ports/tariffs.ts';

const version = (name: string, validFrom: string, validTo: string | null, rate: number): StoredTariff => ({
  orgId: 'o1',
  name,
  commodity: 'electricity',
  validFrom,
  validTo,
  definition: { name, energy: { kind: 'flat', rate } },
  importedAt: 1_700_000_000_000,
});

const cost = (key: string, meterId: string, patch: Partial<CostRow> = {}): CostRow => ({
  level: 'meter',
  key,
  meterId,
  commodity: 'electricity',
  period: 'day',
  start: 1_000,
  label: '2024-06-01',
  currency: 'USD',
  unit: 'kWh',
  energy: 10,
  energyCost: 2.5,
  standing: 0.5,
  demand: 0,
  demandKw: null,
  cost: 3,
  co2: 2,
  ...patch,
});

describe.each(STORE_FACTORIES)('tariffs on $kind', (factory) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await factory.open();
    const c = t.store.catalog;
    await c.upsertOrganisations([
      { id: 'o1', name: 'One', createdAt: 0 },
      { id: 'o2', name: 'Two', createdAt: 0 },
    ]);
    await c.upsertFacilities([
      { ...plainFacility('f1', 'o1'), zip: '10001' },
      { ...plainFacility('f2', 'o1'), zip: '10001' },
      { ...plainFacility('f3', 'o2'), zip: '10002' },
    ]);
    await c.upsertMeters([
      electricityMeter('m1', 'f1'),
      { ...electricityMeter('m1g', 'f1'), serviceType: 'gas' },
      electricityMeter('m2', 'f2'),
      electricityMeter('m3', 'f3'),
    ]);
    await c.upsertChannels([
      powerMains('c1', 'm1'),
      { ...powerMains('c1b', 'm1'), name: 'oven', isMains: false },
    ]);
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('stores tariff versions and replaces every version of a name given again', async () => {
    const r = t.store.tariffs;
    expect(await r.listTariffs('o1')).toEqual([]);
    await r.putTariffs([
      version('A', '2024-01-01', '2024-06-16', 0.2),
      version('A', '2024-06-16', null, 0.3),
    ]);
    await r.putTariffs([version('B', '2024-01-01', null, 0.1)]);
    expect(await r.listTariffs('o1')).toEqual([
      version('A', '2024-01-01', '2024-06-16', 0.2),
      version('A', '2024-06-16', null, 0.3),
      version('B', '2024-01-01', null, 0.1),
    ]);
    await r.putTariffs([version('A', '2025-01-01', null, 0.4)]);
    expect((await r.listTariffs('o1')).map((x) => `${x.name} ${x.validFrom}`)).toEqual([
      'A 2025-01-01',
      'B 2024-01-01',
    ]);
    expect(await r.listTariffs('o2')).toEqual([]);
  });

  it('stores grid-intensity rows and replaces a region given again', async () => {
    const r = t.store.tariffs;
    await r.putIntensity('o1', [
      { region: 'R', month: 0, hour: 0, gPerKwh: 200 },
      { region: 'R', month: 7, hour: 0, gPerKwh: 250.5 },
      { region: 'S', month: 0, hour: 1, gPerKwh: 10 },
    ]);
    await r.putIntensity('o1', [{ region: 'R', month: 0, hour: 3, gPerKwh: 100 }]);
    expect(await r.listIntensity('o1')).toEqual([
      { region: 'R', month: 0, hour: 3, gPerKwh: 100 },
      { region: 'S', month: 0, hour: 1, gPerKwh: 10 },
    ]);
    expect(await r.listIntensity('o2')).toEqual([]);
  });

  it('replaces the cost rows of some meters from a start, and serves them per level', async () => {
    const r = t.store.tariffs;
    await r.replaceCosts({ meterIds: ['m1', 'm1g', 'm2', 'm3'] }, [
      cost('m1', 'm1'),
      cost('m1', 'm1', { start: 2_000, label: '2024-06-02', cost: 4, co2: null }),
      cost('c1', 'm1', { level: 'channel', standing: 0, cost: 2.5 }),
      cost('c1b', 'm1', { level: 'channel', energy: 1, energyCost: 0.25, standing: 0, cost: 0.25, co2: 0.2 }),
      cost('m1g', 'm1g', { commodity: 'gas', unit: 'm3', energy: 3, cost: 1.5, co2: 5.8 }),
      cost('m2', 'm2', { cost: 7, co2: 1 }),
      cost('m3', 'm3', { cost: 100 }),
    ]);
    const meter = await r.listCosts({ level: 'meter', period: 'day' });
    expect(meter.map((x) => `${x.key} ${x.label} ${x.cost} ${x.co2}`)).toEqual([
      'm1 2024-06-01 3 2',
      'm1 2024-06-02 4 null',
      'm1g 2024-06-01 1.5 5.8',
      'm2 2024-06-01 7 1',
      'm3 2024-06-01 100 2',
    ]);
    expect(meter[0]).toEqual({
      level: 'meter',
      key: 'm1',
      commodity: 'electricity',
      period: 'day',
      start: 1_000,
      label: '2024-06-01',
      currency: 'USD',
      unit: 'kWh',
      energy: 10,
      energyCost: 2.5,
      standing: 0.5,
      demand: 0,
      cost: 3,
      co2: 2,
      meters: 1,
    });
    const fac = await r.listCosts({ level: 'facility', period: 'day', orgId: 'o1', from: 1_000, to: 2_000 });
    expect(fac.map((x) => `${x.key} ${x.commodity} ${x.cost} ${x.meters}`)).toEqual([
      'f1 electricity 3 1',
      'f1 gas 1.5 1',
      'f2 electricity 7 1',
    ]);
    const zip = await r.listCosts({ level: 'zip', period: 'day', zip: '10001', to: 2_000 });
    expect(zip.map((x) => `${x.key} ${x.commodity} ${x.cost} ${x.co2} ${x.meters}`)).toEqual([
      '10001 electricity 10 3 2',
      '10001 gas 1.5 5.8 1',
    ]);
    const chans = await r.listCosts({ level: 'channel', period: 'day', meterId: 'm1' });
    expect(chans.map((x) => `${x.key} ${x.cost}`)).toEqual(['c1 2.5', 'c1b 0.25']);
    expect(await r.listCosts({ level: 'channel', period: 'day', channelId: 'c1b' })).toHaveLength(1);
    expect(await r.listCosts({ level: 'facility', period: 'day', facilityIds: [] })).toEqual([]);
    expect(await r.listCosts({ level: 'meter', period: 'hour' })).toEqual([]);

    // Repricing m1 from start 2,000 keeps its earlier rows and the other meters'.
    await r.replaceCosts({ meterIds: ['m1'], from: 2_000 }, [
      cost('m1', 'm1', { start: 2_000, label: '2024-06-02', cost: 9 }),
    ]);
    const after = await r.listCosts({ level: 'meter', period: 'day', facilityId: 'f1' });
    expect(after.map((x) => `${x.key} ${x.label} ${x.cost}`)).toEqual([
      'm1 2024-06-01 3',
      'm1 2024-06-02 9',
      'm1g 2024-06-01 1.5',
    ]);
    expect(await r.listCosts({ level: 'channel', period: 'day', meterId: 'm1' })).toHaveLength(2);
  });
});
