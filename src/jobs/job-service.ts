/**
 * Starts, follows and cancels jobs for the CLI and the API. Jobs started through the service run in this
 * process (the coordinator) while their shards run on the configured executor.
 */
import type { Config } from '../config.ts';
import { NotFoundError } from '../errors.ts';
import type { Store, StorePort } from '../store/store.ts';
import type { Executor } from './executor.ts';
import { createLocalExecutor } from './local/local-executor.ts';
import { newJobId, runJob, type JobProgress, type JobRequest } from './run-job.ts';
import { createSlurmCli } from './slurm/slurm-cli.ts';
import { createSlurmExecutor } from './slurm/slurm-executor.ts';
import type { JobTask } from './task.ts';
import type { ExecutorKind, Job, JobKind } from './types.ts';

/** The job service. */
export interface JobService {
  /** Runs a job to its end. */
  run(
    request: JobRequest,
    opts?: { executor?: ExecutorKind; onProgress?: JobProgress; signal?: AbortSignal },
  ): Promise<Job>;
  /** Starts a job in the background; resolves with its id once it is stored and running. */
  start(request: JobRequest, opts?: { executor?: ExecutorKind }): Promise<string>;
  /** Cancels a running job started by this process. */
  cancel(jobId: string): Promise<void>;
  /** Waits for every background job to end (for shutdown and tests). */
  drain(): Promise<void>;
}

/** Builds the executor a configuration names. */
export function createExecutor(config: Config, kind: ExecutorKind = config.jobs.executor): Executor {
  return kind === 'slurm'
    ? createSlurmExecutor({ cli: createSlurmCli(), partition: config.jobs.slurmPartition })
    : createLocalExecutor({ workers: config.jobs.workers });
}

/** Creates the job service over a store and the tasks of each job kind. */
export function createJobService(deps: {
  store: Store;
  config: Config;
  tasks: Partial<Record<JobKind, JobTask>>;
  now?: () => number;
  maxRetries?: number;
}): JobService {
  const running = new Map<string, { controller: AbortController; done: Promise<unknown> }>();
  const jobDeps = (executor: ExecutorKind | undefined) => ({
    store: deps.store,
    executor: createExecutor(deps.config, executor),
    sharedDir: deps.config.jobs.sharedDir,
    tasks: { score: undefined, nilm: undefined, ...deps.tasks },
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.maxRetries === undefined ? {} : { maxRetries: deps.maxRetries }),
  });
  return {
    run(request, opts = {}) {
      return runJob(jobDeps(opts.executor), request, {
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      });
    },
    async start(request, opts = {}) {
      const controller = new AbortController();
      const jobId = newJobId((deps.now ?? Date.now)());
      let stored: () => void = () => undefined;
      const isStored = new Promise<void>((r) => (stored = r));
      const done = runJob(jobDeps(opts.executor), request, {
        signal: controller.signal,
        jobId,
        onProgress: () => stored(),
      })
        .catch(async (err: unknown) => {
          // A job that failed before or while staging is recorded so the user sees why.
          const message = err instanceof Error ? err.message : String(err);
          const existing = await deps.store.jobs.getJob(jobId);
          if (existing)
            await deps.store.jobs.updateJob(jobId, { state: 'failed', error: message, endedAt: Date.now() });
          else
            await deps.store.jobs.createJob(
              {
                id: jobId,
                orgId: request.orgId,
                kind: request.kind,
                target: request.target,
                executor: opts.executor ?? deps.config.jobs.executor,
                params: request.params,
                state: 'failed',
                shards: 0,
                shardsDone: 0,
                shardsFailed: 0,
                externalId: null,
                createdBy: request.createdBy ?? null,
                createdAt: Date.now(),
                startedAt: null,
                endedAt: Date.now(),
                error: message,
              },
              [],
            );
        })
        .finally(() => {
          running.delete(jobId);
          stored();
        });
      running.set(jobId, { controller, done });
      // Resolve once the job row exists (first progress) or the job ended, whichever comes first.
      await Promise.race([isStored, waitForRow(deps.store, jobId, done)]);
      return jobId;
    },
    async cancel(jobId) {
      const r = running.get(jobId);
      if (!r) throw new NotFoundError('running job', jobId);
      r.controller.abort();
      await r.done;
    },
    async drain() {
      await Promise.all([...running.values()].map((r) => r.done));
    },
  };
}

async function waitForRow(
  store: StorePort<'jobs', 'getJob'>,
  jobId: string,
  done: Promise<unknown>,
): Promise<void> {
  let ended = false;
  void done.finally(() => (ended = true));
  while (!ended && !(await store.jobs.getJob(jobId))) await new Promise((r) => setTimeout(r, 50));
}
