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
  const signal = opts.signal ?? new AbortController().signal;
  const run = new JobRun(deps, newJob(deps, request, opts.jobId ?? newJobId(now()), now()), opts.onProgress);
  await run.stage(task, request);
  await run.runShards(signal);
  await run.finish(task, signal);
  return run.job;
}

/** The job as first stored: pending, no shards yet. */
function newJob(deps: JobDeps, request: JobRequest, id: string, createdAt: number): Job {
  return {
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
    createdAt,
    startedAt: null,
    endedAt: null,
    error: null,
  };
}

/** One job's run: its staging folder, its log lines not yet stored, and which shards succeeded. */
class JobRun {
  readonly dir: string;
  readonly now: () => number;
  readonly maxAttempts: number;
  private readonly logs: JobLogLine[] = [];
  private readonly succeeded = new Set<number>();
  /** Attempts started per shard. */
  private attempts: number[] = [];

  constructor(
    private readonly deps: JobDeps,
    readonly job: Job,
    private readonly onProgress: JobProgress | undefined,
  ) {
    this.dir = join(deps.sharedDir, job.id);
    this.now = deps.now ?? Date.now;
    this.maxAttempts = 1 + (deps.maxRetries ?? 2);
  }

  log(level: JobLogLine['level'], message: string, shard: number | null = null): void {
    this.logs.push({ jobId: this.job.id, ts: this.now(), shard, level, message });
  }

  /** Stores the log lines kept since the last flush. */
  async flush(): Promise<void> {
    if (this.logs.length) await this.deps.store.jobs.appendLogs(this.logs.splice(0));
  }

  report(message?: string): void {
    this.onProgress?.({
      job: this.job,
      done: this.succeeded.size,
      failed: this.job.shardsFailed,
      total: this.job.shards,
      ...(message ? { message } : {}),
    });
  }

  /** Writes the manifest, lets the task stage its shards, stores the job and its shards, and marks it running. */
  async stage(task: JobTask, request: JobRequest): Promise<void> {
    const { deps, dir, job } = this;
    await writeManifest(dir, {
      id: job.id,
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
      log: (m) => this.log('info', m),
    });
    job.shards = labels.length;
    this.attempts = new Array<number>(labels.length).fill(0);
    // The task may have completed the parameters shards need; keep them and record the real shard count.
    await writeManifest(dir, { ...(await readManifest(dir)), shards: labels.length });
    await deps.store.jobs.createJob(
      job,
      labels.map((label, index) => ({
        jobId: job.id,
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
    job.startedAt = this.now();
    await deps.store.jobs.updateJob(job.id, { state: 'running', startedAt: job.startedAt });
    this.log(
      'info',
      `running ${labels.length} shard(s) of ${request.kind} ${request.target} on the ${deps.executor.kind} executor`,
    );
  }

  /** Runs every shard on the executor, then the failed ones again while they have attempts left. */
  async runShards(signal: AbortSignal): Promise<void> {
    let pending = Array.from({ length: this.job.shards }, (_, i) => i);
    while (pending.length > 0 && !signal.aborted) {
      const failedNow: number[] = [];
      const updates: Promise<void>[] = [];
      const onEvent = (e: ShardEvent): void => this.onShardEvent(e, failedNow, updates);
      await this.deps.executor.run(this.dir, pending, onEvent, signal);
      await Promise.all(updates);
      await this.flush();
      pending = failedNow.filter((i) => (this.attempts[i] ?? 0) < this.maxAttempts && !signal.aborted);
      if (pending.length) this.log('info', `retrying shard(s) ${pending.join(', ')}`);
    }
  }

  /** Records one executor event: the store writes go into `updates`, a failed shard into `failedNow`. */
  private onShardEvent(e: ShardEvent, failedNow: number[], updates: Promise<void>[]): void {
    const { job, now } = this;
    const jobs = this.deps.store.jobs;
    if (e.type === 'log') return this.log(e.level, e.message, e.index);
    if (e.type === 'submitted') {
      job.externalId = e.externalId;
      updates.push(jobs.updateJob(job.id, { externalId: e.externalId }));
      return;
    }
    if (e.type === 'started') {
      this.attempts[e.index] = (this.attempts[e.index] ?? 0) + 1;
      updates.push(
        jobs.updateShard(job.id, e.index, {
          state: 'running',
          attempts: this.attempts[e.index],
          startedAt: now(),
        }),
      );
      return;
    }
    if (e.type === 'succeeded') {
      this.succeeded.add(e.index);
      job.shardsDone = this.succeeded.size;
      updates.push(jobs.updateShard(job.id, e.index, { state: 'succeeded', endedAt: now(), error: null }));
      updates.push(jobs.updateJob(job.id, { shardsDone: job.shardsDone }));
      this.report();
      return;
    }
    failedNow.push(e.index);
    this.log(
      'warn',
      `shard ${e.index} failed (attempt ${this.attempts[e.index] ?? 1} of ${this.maxAttempts}): ${e.error}`,
      e.index,
    );
    updates.push(jobs.updateShard(job.id, e.index, { state: 'failed', endedAt: now(), error: e.error }));
    this.report(`shard ${e.index} failed: ${e.error}`);
  }

  /** Collects the succeeded shards' outputs and stores the job's final state. */
  async finish(task: JobTask, signal: AbortSignal): Promise<void> {
    const { deps, dir, job, now } = this;
    const total = job.shards;
    job.shardsFailed = total - this.succeeded.size;
    const outputs = new Map<number, unknown>();
    for (const i of this.succeeded) outputs.set(i, await readJsonIfExists(stagePaths.output(dir, i)));
    if (outputs.size > 0) this.log('info', await task.collect({ store: deps.store, dir, job, now }, outputs));
    job.state = signal.aborted ? 'cancelled' : job.shardsFailed > 0 ? 'failed' : 'succeeded';
    job.error =
      job.state === 'failed'
        ? `${job.shardsFailed} of ${total} shard(s) failed after ${this.maxAttempts} attempt(s)`
        : job.state === 'cancelled'
          ? 'cancelled'
          : null;
    job.endedAt = now();
    this.log(
      job.state === 'succeeded' ? 'info' : 'error',
      `job ${job.state}${job.error ? `: ${job.error}` : ''}`,
    );
    await this.flush();
    await deps.store.jobs.updateJob(job.id, {
      state: job.state,
      shardsDone: this.succeeded.size,
      shardsFailed: job.shardsFailed,
      endedAt: job.endedAt,
      error: job.error,
    });
    this.report();
  }
}

/** A sortable, unique job id. */
export function newJobId(now: number): string {
  return `job-${new Date(now)
    .toISOString()
    .replace(/[-:.TZ]/g, '')
    .slice(0, 14)}-${randomBytes(3).toString('hex')}`;
}
