/**
 * `loadscope batch --full --executor local|slurm --shards N`: the full batch as N tasks over the lake's
 * meter shards (worker threads, or a Slurm job array), then one reduce step into the serving store.
 *
 * 1. peek the store's change log (as the single-process run: acknowledged only at the end);
 * 2. plan: deal the lake's meter shards to the tasks; stage the plan and the catalog;
 * 3. run the tasks on the executor, reporting tasks done/total; each writes its partial Parquet files
 *    into `<lake>/_work/<run>/` whole (temp name, then rename);
 * 4. check: every task succeeded, and the lake held no fewer readings than the store (else the lake
 *    is behind the store, and its rollups would not be the store's);
 * 5. reduce: replace every rollup and the thresholds with the partial rows in one transaction; price
 *    the meters (cost step); acknowledge the changes.
 * Any failure before step 5 leaves the serving store untouched and the changes pending.
 */
import { appendFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { LoadscopeError } from '../../errors.ts';
import type { Executor, ShardEvent } from '../../jobs/executor.ts';
import { readJsonIfExists, stagePaths, writeAtomic, writeManifest } from '../../jobs/staging.ts';
import { thresholdName } from '../../domain/types.ts';
import type { Store } from '../../store/store.ts';
import type { CostStepResult } from '../run-batch.ts';
import { PLAN_FILE } from './batch-task.ts';
import { catalogPath, partialPaths, type BatchCatalog, type BatchPlan, type TaskReport } from './partials.ts';
import { planTasks } from './plan.ts';

/** What a sharded run needs. */
export interface ShardedBatchDeps {
  store: Pick<Store, 'rollups' | 'readings' | 'catalog'>;
  /** The lake folder (shared with the Slurm nodes). */
  lakeDir: string;
  /** Folder for the run's staging (plan, catalog, task logs), shared with the Slurm nodes. */
  stagingDir: string;
  executor: Executor;
  now: () => number;
  /** The cost step, as in {@link import('../run-batch.ts').BatchDeps}. */
  costs?: (scope: 'all') => Promise<CostStepResult>;
}

/** Options of one sharded run. */
export interface ShardedBatchOptions {
  /** Tasks wanted (fewer when the lake has fewer meter shards with data). */
  shards: number;
  /** Percentile of the thresholds (default 97); percentiles stored before are refreshed too. */
  percentile?: number;
  /**
   * DuckDB threads per task. Default: 1 on Slurm (each array task asks for one CPU); on worker threads
   * the machine's cores shared among the tasks (at least 1 each).
   */
  threads?: number;
  /** Tasks done and failed out of the total, after each change. */
  onProgress?: (p: { done: number; failed: number; total: number }) => void;
  signal?: AbortSignal;
}

/** What a sharded run did. */
export interface ShardedBatchSummary {
  mode: 'full';
  executor: Executor['kind'];
  tasks: number;
  /** Readings the tasks read from the lake. */
  readings: number;
  changes: number;
  channels: number;
  hourRows: number;
  dayRows: number;
  thresholds: number;
  thresholdName: string;
  /** Seconds of each task (its own clock), by task index. */
  taskSeconds: number[];
  /** Seconds of the reduce step (store transaction). */
  reduceSeconds: number;
  costs?: CostStepResult;
  seconds: number;
}

/** Runs the full batch as tasks over the lake's meter shards. */
export async function runShardedBatch(
  deps: ShardedBatchDeps,
  opts: ShardedBatchOptions,
): Promise<ShardedBatchSummary> {
  const percentile = opts.percentile ?? 97;
  if (!(percentile > 0 && percentile < 100))
    throw new RangeError(`percentile must be between 0 and 100 (exclusive), got ${percentile}`);
  if (!Number.isInteger(opts.shards) || opts.shards < 1)
    throw new RangeError(`shards must be a whole number of at least 1, got ${opts.shards}`);
  const t0 = deps.now();
  const id = `batch-${new Date(t0).toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
  const dir = join(deps.stagingDir, id);
  const workDir = join(deps.lakeDir, '_work', id);
  const { changes, token } = await deps.store.readings.peekChanges();
  let keepStaging = true;
  try {
    const tasks = await planTasks(deps.lakeDir, opts.shards);
    const name = thresholdName(percentile);
    const percentiles = new Map([[name, percentile]]);
    for (const p of await deps.store.rollups.thresholdPercentiles()) percentiles.set(p.name, p.percentile);
    const plan: BatchPlan = {
      id,
      percentiles: [...percentiles].map(([n, p]) => ({ name: n, percentile: p })),
      computedAt: deps.now(),
      workDir,
      threads: opts.threads ?? (deps.executor.kind === 'local' ? localThreads(tasks.length) : 1),
      tasks,
    };
    await writeManifest(dir, { id, kind: 'batch', target: '', shards: tasks.length, params: {} });
    await writeAtomic(stagePaths.shared(dir, PLAN_FILE), JSON.stringify(plan));
    await stageCatalog(deps.store, dir);
    await mkdir(workDir, { recursive: true });

    await runTasks(deps.executor, dir, tasks.length, opts);
    const reports = await readReports(dir, tasks.length);
    const readings = reports.reduce((n, r) => n + r.readings, 0);
    const stored = await deps.store.readings.count();
    if (readings < stored)
      throw new LoadscopeError(
        'BATCH_LAKE_BEHIND',
        `the lake at ${deps.lakeDir} holds ${readings} readings of known channels, the store ${stored}: ` +
          `the sharded batch reads the lake, so it would not give the store's rollups. Imports and the ` +
          `simulator's backfill do not reach the lake, and a writer publishes its spool within a minute ` +
          `(loadscope lake status); run 'loadscope batch --full' without --executor instead`,
        { exitCode: 75 },
      );

    const r0 = deps.now();
    const paths = tasks.map((_, i) => partialPaths(workDir, i));
    const written = await deps.store.rollups.replaceFromPartials({
      hour: paths.map((p) => p.hour),
      day: paths.map((p) => p.day),
      thresholds: paths.map((p) => p.thresholds),
      sketchDays: paths.map((p) => p.sketchDays),
      sketchBuckets: paths.map((p) => p.sketchBuckets),
      thresholdNames: [...percentiles.keys()],
    });
    const reduceSeconds = (deps.now() - r0) / 1000;
    const costs = deps.costs ? await deps.costs('all') : undefined;
    await deps.store.readings.ackChanges(token);
    keepStaging = false;
    return {
      mode: 'full',
      executor: deps.executor.kind,
      tasks: tasks.length,
      readings,
      changes: changes.length,
      channels: reports.reduce((n, r) => n + r.channels, 0),
      hourRows: written.hourRows,
      dayRows: written.dayRows,
      thresholds: written.thresholds,
      thresholdName: name,
      taskSeconds: reports.map((r) => r.seconds),
      reduceSeconds,
      ...(costs ? { costs } : {}),
      seconds: (deps.now() - t0) / 1000,
    };
  } catch (err) {
    if (err instanceof LoadscopeError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new LoadscopeError(
      'BATCH_INCOMPLETE',
      `sharded batch failed (${reason}); the serving store is unchanged and ${changes.length} change(s) stay pending`,
      { exitCode: 75, cause: err },
    );
  } finally {
    await rm(workDir, { recursive: true, force: true });
    // The staging folder keeps the task logs of a failed run; a run that succeeded leaves nothing.
    if (!keepStaging) await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Worker threads to run `tasks` tasks on this machine: one per core at most. More at once only share
 * the same cores (4 tasks at once on 2 cores took 2.1x as long per task as 2 at a time, measured).
 */
export function localWorkers(tasks: number): number {
  return Math.max(1, Math.min(tasks, availableParallelism()));
}

/** DuckDB threads of each of `tasks` tasks on worker threads: the cores shared among those running at once. */
function localThreads(tasks: number): number {
  return Math.max(1, Math.floor(availableParallelism() / localWorkers(tasks)));
}

/** The catalog tables the tasks join readings with, as JSON arrays in the staging folder. */
async function stageCatalog(store: Pick<Store, 'catalog'>, dir: string): Promise<void> {
  const [facilities, meters, channels] = await Promise.all([
    store.catalog.listFacilities(),
    store.catalog.listMeters(),
    store.catalog.listChannels(),
  ]);
  const catalog: BatchCatalog = {
    facilities: facilities.map((f) => ({ id: f.id, time_zone: f.timeZone })),
    meters: meters.map((m) => ({ id: m.id, facility_id: m.facilityId })),
    channels: channels.map((c) => ({
      id: c.id,
      meter_id: c.meterId,
      measurement: c.measurement,
      unit: c.unit,
      interval_ms: c.intervalMs,
      max_gap_ms: c.maxGapMs,
      rollover_at: c.rolloverAt,
    })),
  };
  for (const table of ['facilities', 'meters', 'channels'] as const)
    await writeAtomic(catalogPath(dir, table), JSON.stringify(catalog[table]));
}

/** A task that failed, with where its log is. */
interface TaskFailure {
  index: number;
  error: string;
  log: string;
}

/**
 * Runs every task and resolves when all ended; throws naming each failed task and its log. Log lines
 * and errors the executor reports (worker threads have no log file of their own) are appended to the
 * task's log file, where Slurm writes a task's output.
 */
async function runTasks(
  executor: Executor,
  dir: string,
  total: number,
  opts: ShardedBatchOptions,
): Promise<void> {
  if (total === 0) return;
  let done = 0;
  const failures: TaskFailure[] = [];
  const writes: Promise<void>[] = [];
  const note = (index: number, line: string) =>
    writes.push(
      appendFile(stagePaths.log(dir, index), `${new Date().toISOString()} ${line}\n`).catch(() => undefined),
    );
  const onEvent = (e: ShardEvent) => {
    if (e.type === 'log' && e.index !== null && executor.kind === 'local') note(e.index, e.message);
    else if (e.type === 'succeeded') done++;
    else if (e.type === 'failed') {
      failures.push({ index: e.index, error: e.error, log: stagePaths.log(dir, e.index) });
      note(e.index, `failed: ${e.error}`);
    }
    if (e.type === 'succeeded' || e.type === 'failed')
      opts.onProgress?.({ done, failed: failures.length, total });
  };
  const indexes = Array.from({ length: total }, (_, i) => i);
  opts.onProgress?.({ done: 0, failed: 0, total });
  await writeFile(join(dir, 'logs', '.keep'), '');
  await executor.run(dir, indexes, onEvent, opts.signal ?? new AbortController().signal);
  await Promise.all(writes);
  if (failures.length > 0) {
    failures.sort((a, b) => a.index - b.index);
    const list = failures.map((f) => `task ${f.index} (${f.error.split('\n')[0]}; log ${f.log})`).join('; ');
    throw new LoadscopeError(
      'BATCH_TASK_FAILED',
      `${failures.length} of ${total} batch task(s) failed: ${list}. The serving store is unchanged; the changes stay pending`,
      { exitCode: 75 },
    );
  }
}

async function readReports(dir: string, total: number): Promise<TaskReport[]> {
  const reports: TaskReport[] = [];
  for (let i = 0; i < total; i++) {
    const r = await readJsonIfExists<TaskReport>(stagePaths.output(dir, i));
    if (!r) throw new Error(`task ${i} reported success but wrote no output (${stagePaths.output(dir, i)})`);
    reports.push(r);
  }
  return reports;
}
