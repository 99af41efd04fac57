/** The jobs and scores repositories, the same tests on every store adapter (DuckDB, PostgreSQL). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../jobs/types.ts';
import { STORE_FACTORIES, type TestStore } from './contract/factories.ts';
import type { Score } from './ports/scores.ts';

const job = (id: string, orgId: string, createdAt: number): Job => ({
  id,
  orgId,
  kind: 'score',
  target: 'load-shape',
  executor: 'local',
  params: { product: 'load-shape', facilityIds: ['f1', 'f2'] },
  state: 'pending',
  shards: 2,
  shardsDone: 0,
  shardsFailed: 0,
  externalId: null,
  createdBy: 'u1',
  createdAt,
  startedAt: null,
  endedAt: null,
  error: null,
});
const score = (facilityId: string, value: number, jobId: string, computedAt: number): Score => ({
  facilityId,
  product: 'load-shape',
  version: '1.0.0',
  jobId,
  score: value,
  label: value > 50 ? 'commercial-like' : 'residential-like',
  explanation: `score ${value}`,
  evidence: {
    figures: { businessShare: value / 100 },
    series: [{ name: 'x', unit: 'W', kind: 'line', x: [0, 1], y: [1, 2] }],
  },
  params: {},
  computedAt,
});

describe.each(STORE_FACTORIES)('jobs and scores on $kind', (factory) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await factory.open();
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('stores jobs with their shards, state changes and logs', async () => {
    const s = t.store;
    const shards = [0, 1].map((index) => ({
      jobId: 'j1',
      index,
      state: 'pending' as const,
      attempts: 0,
      label: `shard ${index}`,
      error: null,
      startedAt: null,
      endedAt: null,
    }));
    await s.jobs.createJob(job('j1', 'org-a', 1000), shards);
    await s.jobs.createJob(job('j2', 'org-b', 2000), []);
    await s.jobs.updateJob('j1', { state: 'running', startedAt: 1100, externalId: '42' });
    await s.jobs.updateShard('j1', 1, { state: 'failed', attempts: 1, error: 'killed', endedAt: 1200 });
    await s.jobs.appendLogs([
      { jobId: 'j1', ts: 1100, shard: null, level: 'info', message: 'started' },
      { jobId: 'j1', ts: 1200, shard: 1, level: 'warn', message: "shard 1 failed: 'killed'" },
    ]);
    expect(await s.jobs.getJob('j1')).toMatchObject({
      state: 'running',
      startedAt: 1100,
      externalId: '42',
      params: { facilityIds: ['f1', 'f2'] },
    });
    expect(await s.jobs.getJob('missing')).toBeUndefined();
    expect((await s.jobs.listJobs({ orgId: 'org-a' })).map((j) => j.id)).toEqual(['j1']);
    expect((await s.jobs.listJobs({})).map((j) => j.id)).toEqual(['j2', 'j1']);
    expect((await s.jobs.listShards('j1')).map((x) => [x.index, x.state, x.attempts, x.error])).toEqual([
      [0, 'pending', 0, null],
      [1, 'failed', 1, 'killed'],
    ]);
    expect((await s.jobs.listLogs('j1')).map((l) => l.message)).toEqual([
      'started',
      "shard 1 failed: 'killed'",
    ]);
    expect((await s.jobs.listLogs('j1', { after: 1100 })).map((l) => l.shard)).toEqual([1]);
  });

  it("keeps every job's scores; the newest per facility is current; a re-run of a job replaces its own", async () => {
    const s = t.store;
    await s.scores.saveScores([score('f1', 20, 'j1', 1000), score('f2', 80, 'j1', 1000)]);
    await s.scores.saveScores([score('f1', 30, 'j2', 2000)]);
    expect((await s.scores.ranking('load-shape')).map((x) => [x.facilityId, x.score])).toEqual([
      ['f2', 80],
      ['f1', 30],
    ]);
    expect((await s.scores.ranking('load-shape', { facilityIds: ['f1'] })).map((x) => x.score)).toEqual([30]);
    const latest = await s.scores.latestForFacility('f1');
    expect(latest).toHaveLength(1);
    expect(latest[0]).toMatchObject({
      score: 30,
      jobId: 'j2',
      evidence: { figures: { businessShare: 0.3 } },
    });
    await s.scores.saveScores([score('f2', 60, 'j1', 1500)]);
    expect((await s.scores.listForJob('j1')).map((x) => [x.facilityId, x.score])).toEqual([['f2', 60]]);
  });

  it('runs a SQL product against the scope of facilities', async () => {
    const rows = await t.store.scores.runSqlProduct(
      "SELECT id AS facility_id, CASE WHEN id = 'f1' THEN 150 ELSE 10 END AS score, 'l' AS label, 'e' AS explanation FROM scope_facilities",
      ['f1', 'f2'],
    );
    expect(rows.sort((a, b) => (a.facilityId < b.facilityId ? -1 : 1))).toEqual([
      { facilityId: 'f1', score: 100, label: 'l', explanation: 'e' },
      { facilityId: 'f2', score: 10, label: 'l', explanation: 'e' },
    ]);
    await expect(t.store.scores.runSqlProduct('SELECT 1 AS x', ['f1'])).rejects.toThrow(
      /facility_id and a numeric score/,
    );
  });
});
