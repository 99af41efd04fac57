/**
 * NILM jobs end to end: a model trained on simulated sub-metered houses in the store disaggregates other houses
 * in shards; the results land in the store, and the appliance-inventory product scores from them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../batch/run-batch.ts';
import { loadConfig } from '../../config.ts';
import { loadFacility } from '../../nilm/data/store.ts';
import { getMethod } from '../../nilm/methods/registry.ts';
import { createProductRegistry } from '../../scoring/registry.ts';
import { createScoreTask } from '../../scoring/score-task.ts';
import { createStoreScoringSources } from '../../scoring/sources.ts';
import { createFleet, generateReadings, type Fleet } from '../../sim/index.ts';
import { STORE_FACTORIES, type TestStore } from '../../store/contract/factories.ts';
import { createJobService } from '../job-service.ts';
import { createNilmTask } from './nilm-task.ts';

const FROM = Date.UTC(2024, 5, 3, 4);
const TO = FROM + 5 * 86_400_000;
const PERIOD = 300_000;
const APPLIANCES = ['fridge', 'water_heater', 'dryer', 'oven'];

describe('nilm jobs', () => {
  let t: TestStore;
  let shared: string;
  let fleet: Fleet;
  beforeAll(async () => {
    t = await STORE_FACTORIES[0]!.open();
    shared = await mkdtemp(join(tmpdir(), 'loadscope-nilm-job-'));
    fleet = createFleet({
      seed: 5,
      meters: 12,
      applianceShare: 1,
      businessShare: 0,
      gasShare: 0,
      waterShare: 0,
      sampleMs: PERIOD,
      heavyShare: 0,
      unusualShare: 0,
    });
    const s = t.store;
    await s.catalog.upsertOrganisations(fleet.orgs);
    await s.catalog.upsertFacilities(fleet.facilities);
    await s.catalog.upsertMeters(fleet.meters);
    await s.catalog.upsertChannels(fleet.channels);
    for await (const b of generateReadings(fleet, { from: FROM, to: TO })) await s.readings.write(b);
    await runBatch({ rollups: s.rollups, changes: s.readings, now: Date.now }, { full: true });
  }, 300_000);
  afterAll(async () => {
    await t?.destroy();
    await rm(shared, { recursive: true, force: true });
  });

  it('disaggregates facilities in shards, stores the results, and feeds the appliance-inventory product', async () => {
    const houses = fleet.truth.applianceHouses.map((h) => h.facilityId);
    expect(houses.length).toBeGreaterThanOrEqual(6);
    const train = await Promise.all(
      houses.slice(0, 3).map((id) => loadFacility(t.store, id, FROM, TO, PERIOD)),
    );
    const model = getMethod('co')!.train(train, APPLIANCES);
    await t.store.nilm.saveModel({
      id: 'co-sim',
      facilityId: null,
      method: 'co',
      trainedOn: 'sim seed 5',
      trainedAt: Date.now(),
      model,
    });

    const config = loadConfig({ LOADSCOPE_SHARED_DIR: shared, LOADSCOPE_WORKERS: '2' });
    const registry = await createProductRegistry();
    const service = createJobService({
      store: t.store,
      config,
      tasks: {
        nilm: createNilmTask(),
        score: createScoreTask({ registry, sources: createStoreScoringSources() }),
      },
    });
    const test = houses.slice(3);
    const orgId = fleet.orgs[0]!.id;
    const job = await service.run({
      orgId,
      kind: 'nilm',
      target: 'co-sim',
      shards: 2,
      params: { modelId: 'co-sim', facilityIds: test, from: FROM, to: TO },
    });
    expect(job.state).toBe('succeeded');
    expect(job.shards).toBe(2);

    for (const id of test) {
      const daily = await t.store.nilm.listDailyEnergy(id);
      expect(new Set(daily.map((d) => d.appliance))).toEqual(new Set(APPLIANCES));
      const fridge = daily.filter((d) => d.appliance === 'fridge');
      expect(fridge.length).toBeGreaterThanOrEqual(5);
      const inventory = await t.store.nilm.listInventory(id);
      expect(inventory.some((i) => i.appliance === 'fridge' && i.confidence > 0.5)).toBe(true);
      const series = await t.store.nilm.readSeries(id, 'fridge', FROM, TO);
      expect(series.power.length).toBe(5 * 96);
    }
    // Disaggregated fridge energy should be in the range of the simulated truth (sub-metered channel).
    const truthFridge = fleet.truth.applianceChannels.find(
      (c) => c.facilityId === test[0] && c.appliance === 'fridge',
    )!;
    const truth = await t.store.rollups.listRollups({
      level: 'channel',
      period: 'day',
      channelId: truthFridge.channelId,
    });
    const truthWh = truth.reduce((s, r) => s + r.energy, 0);
    const estWh = (await t.store.nilm.listDailyEnergy(test[0]!))
      .filter((d) => d.appliance === 'fridge')
      .reduce((s, d) => s + d.energyWh, 0);
    expect(estWh).toBeGreaterThan(0.3 * truthWh);
    expect(estWh).toBeLessThan(3 * truthWh);

    const scored = await service.run({
      orgId,
      kind: 'score',
      target: 'appliance-inventory',
      shards: 1,
      params: { product: 'appliance-inventory', facilityIds: houses, from: FROM, to: TO },
    });
    expect(scored.state).toBe('succeeded');
    const scores = await t.store.scores.listForJob(scored.id);
    // Only the facilities NILM ran on have an inventory; the others are "not applicable", not scored 0.
    expect(scores.map((s) => s.facilityId).sort()).toEqual([...test].sort());
    expect(scores[0]?.explanation).toMatch(/NILM \(co\) found \d+ appliance/);
  }, 300_000);
});
