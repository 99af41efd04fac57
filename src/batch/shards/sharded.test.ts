/**
 * The sharded batch gives the single-process batch's results: every rollup row at every level (channel,
 * meter, facility, zip code; hour and day) and every threshold, on worker threads and on the one-node
 * Slurm cluster. A failed task fails the run naming its log and leaves the store untouched; a lake
 * behind the store is refused.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoadscopeError } from '../../errors.ts';
import { createLocalExecutor } from '../../jobs/local/local-executor.ts';
import { createSlurmCli } from '../../jobs/slurm/slurm-cli.ts';
import { createSlurmExecutor } from '../../jobs/slurm/slurm-executor.ts';
import { openParquetLake } from '../../lake/parquet/index.ts';
import { partitionOf } from '../../realtime/log/jetstream/membership.ts';
import { STORE_FACTORIES, type TestStore } from '../../store/contract/factories.ts';
import { ROLLUP_LEVELS } from '../../store/ports/rollups.ts';
import type { Store } from '../../store/store.ts';
import { runBatch } from '../run-batch.ts';
import { runShardedBatch, type ShardedBatchDeps } from './run-sharded.ts';
import { channelDay, seedShardFleet, writeShardFleet, type ShardFleetSize } from './testing.ts';

const LAKE_SHARDS = 8;
const SIZE: ShardFleetSize = {
  facilities: 6,
  metersPerFacility: 2,
  start: Date.parse('2024-11-01T00:00:00Z'),
  days: 4,
  stepMs: 60_000,
};

const slurmUp = (() => {
  try {
    return /idle|mixed|alloc/.test(execFileSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8' }));
  } catch {
    return false;
  }
})();

/** Everything the batch serves: rollups at every level and period, and the p97 thresholds. */
async function served(store: Store): Promise<unknown> {
  const out: Record<string, unknown> = {};
  for (const level of ROLLUP_LEVELS)
    for (const period of ['hour', 'day'] as const)
      out[`${level}/${period}`] = await store.rollups.listRollups({ level, period, limit: 1_000_000 });
  out['thresholds'] = (await store.rollups.getThresholds('p97')).map((t) => ({ ...t, computedAt: 0 }));
  return out;
}

/**
 * Asserts two results are the same row for row: every key, label, time, count and unit exactly, and
 * every number to a relative 1e-12. Sums of doubles depend on the order DuckDB adds them in (threads,
 * row order), and PostgreSQL's and DuckDB's sums differ in the last bit the same way; the rows
 * themselves, and every value to 12 significant digits, do not.
 */
function expectSame(actual: unknown, expected: unknown, path = 'result'): void {
  if (typeof expected === 'number' && typeof actual === 'number' && !Number.isInteger(expected)) {
    const scale = Math.max(Math.abs(expected), Math.abs(actual), 1e-300);
    if (Math.abs(actual - expected) / scale > 1e-12) expect.fail(`${path}: ${actual} is not ${expected}`);
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), path).toBe(true);
    expect((actual as unknown[]).length, `${path}.length`).toBe(expected.length);
    expected.forEach((e, i) => expectSame((actual as unknown[])[i], e, `${path}[${i}]`));
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    const a = actual as Record<string, unknown>;
    expect(Object.keys(a).sort(), path).toEqual(Object.keys(expected).sort());
    for (const [k, e] of Object.entries(expected)) expectSame(a[k], e, `${path}.${k}`);
    return;
  }
  expect(actual, path).toEqual(expected);
}

describe.each(STORE_FACTORIES)('sharded batch on $kind', (factory) => {
  let t: TestStore;
  let dir: string;
  let lakeDir: string;
  let single: unknown;
  let meterShards: number;
  const deps = (executor: ShardedBatchDeps['executor']): ShardedBatchDeps => ({
    store: t.store,
    lakeDir,
    stagingDir: join(dir, 'jobs'),
    executor,
    now: Date.now,
  });

  beforeAll(async () => {
    t = await factory.open();
    // Slurm tasks read the staging folder and the lake: on this one-node cluster, local disk.
    dir = await mkdtemp(join(tmpdir(), 'loadscope-shards-'));
    lakeDir = join(dir, 'lake');
    const channels = await seedShardFleet(t.store, SIZE);
    const place = new Map(channels.map((c) => [c.id, { orgId: 'org-s', meterId: c.meterId }]));
    const lake = await openParquetLake({
      dir: lakeDir,
      place: (id) => place.get(id),
      shards: LAKE_SHARDS,
      compactEveryMs: 0,
    });
    try {
      await writeShardFleet(t.store, lake, channels, SIZE);
      // A batch delivered twice (at-least-once log): a second file in its partitions, read once.
      await lake.append(channelDay(channels[0]!, 0, 1, SIZE));
      await lake.flush();
    } finally {
      await lake.close();
    }
    meterShards = new Set(channels.map((c) => partitionOf(c.meterId, LAKE_SHARDS))).size;
    await runBatch({ rollups: t.store.rollups, changes: t.store.readings, now: Date.now }, { full: true });
    single = await served(t.store);
  }, 120_000);
  afterAll(async () => {
    await t?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('gives every rollup row and threshold of the single-process batch on worker threads', async () => {
    expect(meterShards).toBeGreaterThanOrEqual(4);
    const progress: string[] = [];
    const s = await runShardedBatch(deps(createLocalExecutor({ workers: 3 })), {
      shards: 3,
      onProgress: (p) => progress.push(`${p.done}/${p.total}`),
    });
    expect(s).toMatchObject({ mode: 'full', executor: 'local', tasks: 3, thresholdName: 'p97' });
    expect(progress).toEqual(['0/3', '1/3', '2/3', '3/3']);
    expect(s.readings).toBe(await t.store.readings.count());
    const sharded = await served(t.store);
    expectSame(sharded, single);
    // Nothing left behind: no partial files, no staging folder.
    expect(await readdir(join(lakeDir, '_work'))).toEqual([]);
    expect(await readdir(join(dir, 'jobs'))).toEqual([]);
  }, 120_000);

  it('gives the same results with one task, and with more tasks wanted than meter shards', async () => {
    const one = await runShardedBatch(deps(createLocalExecutor({ workers: 1 })), { shards: 1 });
    expect(one.tasks).toBe(1);
    expectSame(await served(t.store), single);
    const many = await runShardedBatch(deps(createLocalExecutor({ workers: 2 })), { shards: 64 });
    expect(many.tasks).toBe(meterShards);
    expectSame(await served(t.store), single);
  }, 120_000);

  it.skipIf(!slurmUp || factory.kind !== 'duckdb')(
    'gives the same results as a Slurm job array on the one-node cluster',
    async () => {
      const executor = createSlurmExecutor({ cli: createSlurmCli(), partition: 'debug', pollMs: 300 });
      const s = await runShardedBatch(deps(executor), { shards: 4 });
      expect(s).toMatchObject({ executor: 'slurm', tasks: 4 });
      expectSame(await served(t.store), single);
    },
    300_000,
  );

  it('fails the run naming the failed task and its log, and leaves the store and the changes alone', async () => {
    // One more reading in the store and the lake: a pending change the failed run must not acknowledge.
    const before = await served(t.store);
    const { changes: pendingBefore } = await t.store.readings.peekChanges();
    // A file that is not Parquet in one partition: the task reading it fails.
    const partitions = await readdir(join(lakeDir, 'org=org-s'));
    const day = join(lakeDir, 'org=org-s', partitions[0]!);
    const shard = (await readdir(day))[0]!;
    const bad = join(day, shard, '999999999999999-broken.parquet');
    await writeFile(bad, 'not parquet');
    try {
      const err = await runShardedBatch(deps(createLocalExecutor({ workers: 2 })), { shards: 2 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(LoadscopeError);
      const e = err as LoadscopeError;
      expect(e.code).toBe('BATCH_TASK_FAILED');
      expect(e.exitCode).toBe(75);
      const log = /log (\S+\.log)\)/.exec(e.message)?.[1];
      expect(log, e.message).toBeDefined();
      expect(await readFile(log!, 'utf8')).toMatch(/failed: .*(parquet|magic|broken)/i);
      expect(await served(t.store)).toEqual(before);
      expect((await t.store.readings.peekChanges()).changes).toEqual(pendingBefore);
      expect(await readdir(join(lakeDir, '_work'))).toEqual([]);
    } finally {
      await rm(bad, { force: true });
    }
  }, 120_000);

  it('refuses a lake that holds fewer readings than the store', async () => {
    const before = await served(t.store);
    const channels = await t.store.catalog.listChannels();
    const extra = channelDay(channels[0]!, 0, SIZE.days, SIZE);
    await t.store.readings.write(extra);
    const err = await runShardedBatch(deps(createLocalExecutor({ workers: 2 })), { shards: 2 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as LoadscopeError).code).toBe('BATCH_LAKE_BEHIND');
    expect((err as Error).message).toContain(`the store ${await t.store.readings.count()}`);
    expect(await served(t.store)).toEqual(before);
  }, 120_000);
});
