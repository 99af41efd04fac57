/**
 * Score jobs end to end on a simulated fleet: readings into the store, the batch layer's rollups, a sharded
 * score job on the local executor and on the real one-node Slurm cluster, retries of a crashed shard.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../batch/run-batch.ts';
import { loadConfig } from '../config.ts';
import { createJobService } from '../jobs/job-service.ts';
import { createFleet, generateReadings, type Fleet } from '../sim/index.ts';
import { STORE_FACTORIES, type TestStore } from '../store/contract/factories.ts';
import type { Store } from '../store/store.ts';
import { createProductRegistry } from './registry.ts';
import { createScoreTask } from './score-task.ts';
import { createStoreScoringSources } from './sources.ts';

const FROM = Date.UTC(2024, 0, 8, 5);
const TO = FROM + 21 * 86_400_000;
const slurmUp = (() => {
  try {
    return /idle|mixed|alloc/.test(execFileSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8' }));
  } catch {
    return false;
  }
})();

/** Loads a fleet's catalog and readings over [FROM, TO) into a store and runs the batch layer. */
async function loadFleet(store: Store, fleet: Fleet): Promise<void> {
  await store.catalog.upsertOrganisations(fleet.orgs);
  await store.catalog.upsertFacilities(fleet.facilities);
  await store.catalog.upsertMeters(fleet.meters);
  await store.catalog.upsertChannels(fleet.channels);
  for await (const batch of generateReadings(fleet, { from: FROM, to: TO, batchSize: 200_000 }))
    await store.readings.write(batch);
  await runBatch({ rollups: store.rollups, changes: store.readings, now: Date.now }, { full: true });
}

describe.each(
  STORE_FACTORIES.filter((f) => f.kind === 'duckdb' || process.env['LOADSCOPE_TEST_ALL'] === '1'),
)('score jobs on $kind', (factory) => {
  let t: TestStore;
  let shared: string;
  let fleet: Fleet;
  beforeAll(async () => {
    t = await factory.open();
    shared = await mkdtemp(join(tmpdir(), 'loadscope-score-'));
    fleet = createFleet({
      seed: 11,
      meters: 160,
      unusualShare: 0.05,
      applianceShare: 0.1,
      sampleMs: 900_000,
      gasShare: 0,
      waterShare: 0,
      heavyShare: 0,
    });
    await loadFleet(t.store, fleet);
  }, 300_000);
  afterAll(async () => {
    await t?.destroy();
    await rm(shared, { recursive: true, force: true });
  });

  const service = async (executor: 'local' | 'slurm') => {
    const config = loadConfig({
      LOADSCOPE_SHARED_DIR: shared,
      LOADSCOPE_WORKERS: '2',
      LOADSCOPE_EXECUTOR: executor,
    });
    const registry = await createProductRegistry({ customDir: resolve('test/fixtures/products') });
    return createJobService({
      store: t.store,
      config,
      tasks: { score: createScoreTask({ registry, sources: createStoreScoringSources() }) },
    });
  };
  const request = (product: string, params: Record<string, unknown> = {}) => ({
    orgId: fleet.orgs[0]?.id as string,
    kind: 'score' as const,
    target: product,
    shards: 3,
    params: { product, productParams: params, from: FROM, to: TO },
  });

  it('ranks the labelled unusual homes at the top with the anomalous-load product', async () => {
    const job = await (await service('local')).run(request('anomalous-load'));
    expect(job.state).toBe('succeeded');
    expect(job.shards).toBe(3);
    const unusual = new Set(fleet.truth.unusualFacilities.map((u) => u.facilityId));
    expect(unusual.size).toBeGreaterThanOrEqual(3);
    const ranking = await t.store.scores.ranking('anomalous-load', { limit: 1000 });
    expect(ranking.length).toBe(fleet.facilities.length);
    const k = unusual.size;
    const hits = ranking.slice(0, k).filter((s) => unusual.has(s.facilityId)).length;
    const precisionAtK = hits / k;
    process.stderr.write(
      `anomalous-load precision at k=${k}: ${precisionAtK.toFixed(3)} (${hits}/${k}) over ${ranking.length} facilities\n`,
    );
    expect(precisionAtK).toBeGreaterThanOrEqual(0.9);
    const top = ranking[0];
    expect(top?.explanation).toMatch(/Base load \d+ W against a peer median/);
    expect(top?.evidence.series.length).toBeGreaterThan(0);
    const logs = await t.store.jobs.listLogs(job.id);
    expect(logs.some((l) => /stored \d+ score\(s\) of anomalous-load/.test(l.message))).toBe(true);
  }, 300_000);

  it('retries a shard whose worker dies, and the job succeeds', async () => {
    const marker = join(shared, `crash-${Date.now()}`);
    const job = await (await service('local')).run(request('slow-energy', { crashMarker: marker }));
    expect(job.state).toBe('succeeded');
    const shards = await t.store.jobs.listShards(job.id);
    expect(shards.map((s) => s.attempts).sort()).toEqual([1, 1, 2]);
    expect(
      (await t.store.jobs.listLogs(job.id)).some((l) => /failed \(attempt 1 of 3\)/.test(l.message)),
    ).toBe(true);
  }, 120_000);

  it.skipIf(!slurmUp)(
    'gives identical scores on the local executor and on Slurm',
    async () => {
      const local = await (await service('local')).run(request('load-shape'));
      const slurm = await (await service('slurm')).run(request('load-shape'));
      expect(slurm.state).toBe('succeeded');
      expect(slurm.executor).toBe('slurm');
      expect(slurm.externalId).toMatch(/^\d+$/);
      const pick = (s: { facilityId: string; score: number | null; label: string; explanation: string }[]) =>
        s
          .map(({ facilityId, score, label, explanation }) => ({ facilityId, score, label, explanation }))
          .sort((a, b) => (a.facilityId < b.facilityId ? -1 : 1));
      const a = pick(await t.store.scores.listForJob(local.id));
      expect(a.length).toBe(fleet.facilities.length);
      expect(pick(await t.store.scores.listForJob(slurm.id))).toEqual(a);
    },
    300_000,
  );

  it.skipIf(!slurmUp)(
    'retries a Slurm shard killed with SIGKILL mid-run, and the job succeeds',
    async () => {
      const started = Date.now();
      const killer = (async () => {
        // Finds the running shard 0 of the new job by its pid file in the shared folder, and kills it once.
        for (let i = 0; i < 600; i++) {
          for (const d of await readdir(shared)) {
            const pid = Number(await readFile(join(shared, d, 'shard-0.pid'), 'utf8').catch(() => ''));
            const job = d.startsWith('job-') && (await t.store.jobs.getJob(d));
            if (pid > 0 && job && job.createdAt >= started && job.target === 'slow-energy') {
              process.kill(pid, 'SIGKILL');
              return pid;
            }
          }
          await new Promise((r) => setTimeout(r, 100));
        }
        return 0;
      })();
      const job = await (await service('slurm')).run(request('slow-energy', { sleepMs: 80 }));
      expect(await killer).toBeGreaterThan(0);
      expect(job.state).toBe('succeeded');
      const shards = await t.store.jobs.listShards(job.id);
      expect(shards.find((s) => s.index === 0)?.attempts).toBe(2);
      expect(
        (await t.store.jobs.listLogs(job.id)).some((l) =>
          /shard 0 failed \(attempt 1 of 3\): Slurm task \d+_0/.test(l.message),
        ),
      ).toBe(true);
      expect((await t.store.scores.listForJob(job.id)).length).toBe(fleet.facilities.length);
    },
    300_000,
  );

  it('runs custom products from a folder: a SQL product inside the store and a module in shards', async () => {
    const config = loadConfig({ LOADSCOPE_SHARED_DIR: shared, LOADSCOPE_WORKERS: '2' });
    const registry = await createProductRegistry({ customDir: resolve('examples/products') });
    expect(registry.getOrThrow('night-share').type).toBe('sql');
    const svc = createJobService({
      store: t.store,
      config,
      tasks: { score: createScoreTask({ registry, sources: createStoreScoringSources() }) },
    });
    for (const product of ['night-share', 'weekend-ratio']) {
      const job = await svc.run(request(product));
      expect(job.state).toBe('succeeded');
      const scores = await t.store.scores.listForJob(job.id);
      expect(scores.length).toBe(fleet.facilities.length);
      for (const s of scores) expect(s.score).toBeGreaterThanOrEqual(0);
    }
    // Flat 24/7 homes use about 5/24 of their energy at night, ordinary homes less.
    const night = new Map(
      (await t.store.scores.ranking('night-share', { limit: 1000 })).map((s) => [s.facilityId, s.score]),
    );
    const flat = fleet.truth.unusualFacilities
      .filter((u) => u.label === 'flat-24-7')
      .map((u) => night.get(u.facilityId) ?? 0);
    const median = [...night.values()].sort((a, b) => a! - b!)[night.size >> 1] ?? 0;
    for (const v of flat) expect(v).toBeGreaterThan(median);
  }, 300_000);
});
