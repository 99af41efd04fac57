/**
 * Facilities without enough data (issue 14, item 5): a score job gives them no score but "not enough
 * data" with the reason, leaves them out of the ranking and out of their peers' distributions, on
 * both stores.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import type { Facility } from '../domain/types.ts';
import { createJobService } from '../jobs/job-service.ts';
import { STORE_FACTORIES, type TestStore } from '../store/contract/factories.ts';
import { createProductRegistry } from './registry.ts';
import { type ScoringSources, createScoreTask } from './score-task.ts';
import { NOT_ENOUGH_DATA } from './sufficiency.ts';
import { syntheticHourly } from './synthetic.ts';

const HOUR = 3_600_000;
const FROM = Date.UTC(2024, 0, 1, 5);
const TO = FROM + 28 * 24 * HOUR;

const facility = (id: string): Facility => ({
  id,
  orgId: 'o1',
  name: id,
  kind: 'residential',
  address: null,
  zip: '10001',
  timeZone: 'America/New_York',
  tags: [],
  createdAt: 0,
});
const homes = Array.from({ length: 8 }, (_, i) => facility(`home-${i}`));
const silent = facility('silent');
const brief = facility('brief');

/** Hourly energy from synthetic profiles: homes with four weeks, `brief` with 5 hours, `silent` with none. */
const sources: ScoringSources = {
  async hourly(_store, facilities, from, to) {
    const hours = Math.round((to - from) / HOUR);
    const out = new Map<string, Float64Array>();
    for (const f of facilities) {
      if (f.id === 'silent') continue;
      const values = syntheticHourly('home', { start: from, hours, tz: f.timeZone, seed: f.id.length + 7 });
      if (f.id === 'brief') values.fill(Number.NaN, 5);
      out.set(f.id, values);
    }
    return out;
  },
  alerts: async () => new Map(),
  nilm: async () => new Map(),
};

describe.each(STORE_FACTORIES)('facilities without enough data on $kind', (factory) => {
  let t: TestStore;
  let shared: string;
  beforeAll(async () => {
    t = await factory.open();
    shared = await mkdtemp(join(tmpdir(), 'loadscope-sufficiency-'));
    await t.store.catalog.upsertOrganisations([{ id: 'o1', name: 'Org', createdAt: 0 }]);
    await t.store.catalog.upsertFacilities([...homes, silent, brief]);
  }, 120_000);
  afterAll(async () => {
    await t?.destroy();
    await rm(shared, { recursive: true, force: true });
  });

  it('says "not enough data" instead of a NaN explanation and a score of 0, and ranks only the others', async () => {
    const registry = await createProductRegistry({});
    const service = createJobService({
      store: t.store,
      config: loadConfig({ LOADSCOPE_SHARED_DIR: shared, LOADSCOPE_WORKERS: '1' }),
      tasks: { score: createScoreTask({ registry, sources }) },
    });
    const job = await service.run({
      orgId: 'o1',
      kind: 'score',
      target: 'anomalous-load',
      shards: 1,
      params: { product: 'anomalous-load', from: FROM, to: TO },
    });
    expect(job.state).toBe('succeeded');
    const stored = new Map((await t.store.scores.listForJob(job.id)).map((s) => [s.facilityId, s]));
    for (const id of ['silent', 'brief']) {
      const s = stored.get(id)!;
      expect(s).toMatchObject({ score: null, label: NOT_ENOUGH_DATA });
      expect(s.explanation).not.toMatch(/NaN/);
    }
    expect(stored.get('silent')!.explanation).toMatch(/^No readings between 2024-01-01 and 2024-01-29/);
    expect(stored.get('brief')!.explanation).toMatch(/^Only 5 hours with readings .* at least 24 are needed/);
    for (const h of homes) expect(stored.get(h.id)!.score).toEqual(expect.any(Number));

    const ranking = await t.store.scores.ranking('anomalous-load');
    expect(ranking.map((s) => s.facilityId).sort()).toEqual(homes.map((h) => h.id).sort());
    // Peers are the eight homes only: the two without data do not shape the distribution.
    expect(ranking[0]!.explanation).toMatch(/residential in 10001 \(n=8\)/);
    // The facility page still shows why there is no score.
    expect(await t.store.scores.latestForFacility('silent')).toMatchObject([
      { product: 'anomalous-load', score: null, label: NOT_ENOUGH_DATA },
    ]);
    const logs = await t.store.jobs.listLogs(job.id);
    expect(
      logs.some((l) => /stored 8 score\(s\).*not enough data to score 2 facilities/.test(l.message)),
    ).toBe(true);
  }, 120_000);
});
