/** Contract suite of the NILM repository, run against both store adapters with real databases. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FACTORIES } from '../store/contract/factories.ts';
import type { NilmRepo } from '../store/ports/nilm.ts';
import { METHODS } from './methods/registry.ts';
import { applianceSeries, dailyEnergy, inventory } from './results.ts';
import { syntheticHouse } from './testing/synthetic-house.ts';

interface Adapter {
  name: string;
  open(): Promise<{ repo: NilmRepo; close(): Promise<void> }>;
}

const ADAPTERS: Adapter[] = STORE_FACTORIES.map((f) => ({
  name: f.kind,
  async open() {
    const t = await f.open();
    return { repo: t.store.nilm, close: () => t.destroy() };
  },
}));

const appliances = ['kettle', 'microwave'];
const house = syntheticHouse({ seed: 3, days: 2 });
const model = METHODS.eventsig.train([syntheticHouse({ seed: 1, days: 2 })], appliances);
const d = METHODS.eventsig.disaggregate(model, house.mains);

describe.each(ADAPTERS)('NilmRepo on $name', (adapter) => {
  let db: Awaited<ReturnType<Adapter['open']>>;
  beforeAll(async () => {
    db = await adapter.open();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('stores, replaces and lists models as JSON', async () => {
    await db.repo.saveModel({
      id: 'm1',
      facilityId: 'fac',
      method: 'eventsig',
      trainedOn: 'synthetic:1',
      trainedAt: 1000,
      model,
    });
    await db.repo.saveModel({
      id: 'm2',
      facilityId: null,
      method: 'eventsig',
      trainedOn: 'synthetic:1',
      trainedAt: 2000,
      model,
    });
    await db.repo.saveModel({
      id: 'm1',
      facilityId: 'fac',
      method: 'eventsig',
      trainedOn: 'synthetic:9',
      trainedAt: 3000,
      model,
    });
    const m1 = await db.repo.getModel('m1');
    expect(m1?.trainedOn).toBe('synthetic:9');
    expect(m1?.model).toEqual(JSON.parse(JSON.stringify(model)));
    expect(await db.repo.getModel('nope')).toBeUndefined();
    expect((await db.repo.listModels()).map((m) => m.id)).toEqual(['m1', 'm2']);
    expect((await db.repo.listModels({ facilityId: 'fac' })).map((m) => m.id)).toEqual(['m1']);
  });

  it('writes appliance series idempotently and reads them back with gaps as NaN', async () => {
    const series = applianceSeries(d, house.t0, 'fac', 300_000);
    series[0]!.power[3] = NaN;
    await db.repo.writeSeries(series);
    await db.repo.writeSeries(series);
    const back = await db.repo.readSeries('fac', series[0]!.appliance, house.t0, house.t0 + 86_400_000);
    expect(back.ts.length).toBe(288);
    expect(back.power[3]).toBeNaN();
    expect(back.power[10]).toBeCloseTo(series[0]!.power[10]!, 9);
  });

  it('upserts daily energy per local day and lists it by range', async () => {
    const days = dailyEnergy(d, house.t0, 'fac', 'Europe/London', 'm1');
    expect(days.length).toBe(4);
    await db.repo.upsertDailyEnergy(days);
    await db.repo.upsertDailyEnergy(days.map((r) => ({ ...r, energyWh: r.energyWh + 1 })));
    const listed = await db.repo.listDailyEnergy('fac');
    expect(listed.map((r) => `${r.day}/${r.appliance}`)).toEqual([
      '2024-01-01/kettle',
      '2024-01-01/microwave',
      '2024-01-02/kettle',
      '2024-01-02/microwave',
    ]);
    expect(listed[0]!.energyWh).toBeCloseTo(
      days.find((r) => r.day === '2024-01-01' && r.appliance === 'kettle')!.energyWh + 1,
      6,
    );
    expect(await db.repo.listDailyEnergy('fac', { from: '2024-01-02' })).toHaveLength(2);
  });

  it('replaces the inventory, most confident first', async () => {
    const inv = inventory(d, 'fac', 'm1', 5000);
    expect(inv.map((i) => i.appliance).sort()).toEqual(['kettle', 'microwave']);
    await db.repo.replaceInventory('fac', [{ ...inv[0]!, appliance: 'old' }]);
    await db.repo.replaceInventory('fac', inv);
    const listed = await db.repo.listInventory('fac');
    expect(listed.map((i) => i.appliance)).toEqual(inv.map((i) => i.appliance));
    expect(listed[0]!.confidence).toBeGreaterThanOrEqual(listed[1]!.confidence);
    expect(listed[0]!.onPowerW).toBeGreaterThan(1000);
  });
});
