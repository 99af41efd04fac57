/**
 * The job coordinator: creates a job, stages its shards, runs them on an executor, retries failed shards,
 * collects the results into the store, and keeps state, progress and logs in the store as it goes.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Store } from '../store/store.ts';
import type { Executor, ShardEvent } from './executor.ts';
import { readJsonIfExists, readManifest, stagePaths, writeManifest } from './staging.ts';
import type { JobTask } from './task.ts';
import type { Job, JobKind, JobLogLine } from './types.ts';

/** What the coordinator needs. */
export interface JobDeps {
  store: Store;
  executor: Executor;
  /** Folder for staging (shared with Slurm nodes when the executor is Slurm). */
  sharedDir: string;
  tasks: Record<JobKind, JobTask | undefined>;
  now?: () => number;
  /** Extra attempts for a failed shard (default 2). */
  maxRetries?: number;
}

/** A job to start. */
export interface JobRequest {
  orgId: string;
  kind: JobKind;
  target: string;
  params: Record<string, unknown>;
  /** Number of shards wanted (the task may make fewer). */
  shards: number;
  createdBy?: string | null;
}

/** Progress callback: shards done and failed so far out of the total. */
export type JobProgress = (p: {
  job: Job;
  done: number;
  failed: number;
  total: number;
  message?: string;
}) => void;

/** Runs a job to its end and returns it as stored. Aborting `signal` cancels it. */
export async function runJob(
  deps: JobDeps,
  request: JobRequest,
  opts: { signal?: AbortSignal; onProgress?: JobProgress; jobId?: string } = {},
): Promise<Job> {
  const now = deps.now ?? Date.now;
  const task = deps.tasks[request.kind];
  if (!task) throw new Error(`job kind '${request.kind}' is not available`);
  const id = opts.jobId ?? newJobId(now());
  const dir = join(deps.sharedDir, id);
  const signal = opts.signal ?? new AbortController().signal;
  const logs: JobLogLine[] = [];
  const log = (level: JobLogLine['level'], message: string, shard: number | null = null) =>
    logs.push({ jobId: id, ts: now(), shard, level, message });

  const job: Job = {
    id,
    orgId: request.orgId,
    kind: request.kind,
    target: request.target,
    executor: deps.executor.kind,
    params: request.params,
    state: 'pending',
    shards: 0,
    shardsDone: 0,
    shardsFailed: 0,
    externalId: null,
    createdBy: request.createdBy ?? null,
    createdAt: now(),
    startedAt: null,
    endedAt: null,
    error: null,
  };
  await writeManifest(dir, {
    id,
    kind: request.kind,
    target: request.target,
    shards: request.shards,
    params: request.params,
  });
  const labels = await task.stage({
    store: deps.store,
    dir,
    job,
    shards: request.shards,
    log: (m) => log('info', m),
  });
  job.shards = labels.length;
  // The task may have completed the parameters shards need; keep them and record the real shard count.
  await writeManifest(dir, { ...(await readManifest(dir)), shards: labels.length });
  await deps.store.jobs.createJob(
    job,
    labels.map((label, index) => ({
      jobId: id,
      index,
      state: 'pending',
      attempts: 0,
      label,
      error: null,
      startedAt: null,
      endedAt: null,
    })),
  );
  job.state = 'running';
  job.startedAt = now();
  await deps.store.jobs.updateJob(id, { state: 'running', startedAt: job.startedAt });
  log(
    'info',
    `running ${labels.length} shard(s) of ${request.kind} ${request.target} on the ${deps.executor.kind} executor`,
  );

  const maxAttempts = 1 + (deps.maxRetries ?? 2);
  const attempts = new Array<number>(labels.length).fill(0);
  const succeeded = new Set<number>();
  let pending = labels.map((_, i) => i);
  const flush = async () => {
    if (logs.length) await deps.store.jobs.appendLogs(logs.splice(0));
  };
  const report = (message?: string) =>
    opts.onProgress?.({
      job,
      done: succeeded.size,
      failed: job.shardsFailed,
      total: labels.length,
      ...(message ? { message } : {}),
    });

  while (pending.length > 0 && !signal.aborted) {
    const failedNow: number[] = [];
    const updates: Promise<void>[] = [];
    const onEvent = (e: ShardEvent) => {
      if (e.type === 'log') return log(e.level, e.message, e.index);
      if (e.type === 'submitted') {
        job.externalId = e.externalId;
        updates.push(deps.store.jobs.updateJob(id, { externalId: e.externalId }));
        return;
      }
      if (e.type === 'started') {
        attempts[e.index] = (attempts[e.index] ?? 0) + 1;
        updates.push(
          deps.store.jobs.updateShard(id, e.index, {
            state: 'running',
            attempts: attempts[e.index],
            startedAt: now(),
          }),
        );
        return;
      }
      if (e.type === 'succeeded') {
        succeeded.add(e.index);
        job.shardsDone = succeeded.size;
        updates.push(
          deps.store.jobs.updateShard(id, e.index, { state: 'succeeded', endedAt: now(), error: null }),
        );
        updates.push(deps.store.jobs.updateJob(id, { shardsDone: job.shardsDone }));
        report();
        return;
      }
      failedNow.push(e.index);
      log(
        'warn',
        `shard ${e.index} failed (attempt ${attempts[e.index] ?? 1} of ${maxAttempts}): ${e.error}`,
        e.index,
      );
      updates.push(
        deps.store.jobs.updateShard(id, e.index, { state: 'failed', endedAt: now(), error: e.error }),
      );
      report(`shard ${e.index} failed: ${e.error}`);
    };
    await deps.executor.run(dir, pending, onEvent, signal);
    await Promise.all(updates);
    await flush();
    pending = failedNow.filter((i) => (attempts[i] ?? 0) < maxAttempts && !signal.aborted);
    if (pending.length) log('info', `retrying shard(s) ${pending.join(', ')}`);
  }

  job.shardsFailed = labels.length - succeeded.size;
  const outputs = new Map<number, unknown>();
  for (const i of succeeded) outputs.set(i, await readJsonIfExists(stagePaths.output(dir, i)));
  if (outputs.size > 0) log('info', await task.collect({ store: deps.store, dir, job, now }, outputs));
  job.state = signal.aborted ? 'cancelled' : job.shardsFailed > 0 ? 'failed' : 'succeeded';
  job.error =
    job.state === 'failed'
      ? `${job.shardsFailed} of ${labels.length} shard(s) failed after ${maxAttempts} attempt(s)`
      : job.state === 'cancelled'
        ? 'cancelled'
        : null;
  job.endedAt = now();
  log(job.state === 'succeeded' ? 'info' : 'error', `job ${job.state}${job.error ? `: ${job.error}` : ''}`);
  await flush();
  await deps.store.jobs.updateJob(id, {
    state: job.state,
    shardsDone: succeeded.size,
    shardsFailed: job.shardsFailed,
    endedAt: job.endedAt,
    error: job.error,
  });
  report();
  return job;
}

/** A sortable, unique job id. */
export function newJobId(now: number): string {
  return `job-${new Date(now)
    .toISOString()
    .replace(/[-:.TZ]/g, '')
    .slice(0, 14)}-${randomBytes(3).toString('hex')}`;
}
