/** Jobs: a unit of batch work split into shards that an executor runs locally or on Slurm. */

/**
 * What a job computes: `score` runs an analytic product over facilities, `nilm` disaggregates facilities with a
 * stored model. The batch layer is not a job kind: it is set-based SQL inside the store (`loadscope batch`).
 */
export const JOB_KINDS = ['score', 'nilm'] as const;
/** A job's kind. */
export type JobKind = (typeof JOB_KINDS)[number];

/** Where shards run. */
export const EXECUTOR_KINDS = ['local', 'slurm'] as const;
/** An executor's name. */
export type ExecutorKind = (typeof EXECUTOR_KINDS)[number];

/** Job and shard states. */
export const JOB_STATES = ['pending', 'running', 'succeeded', 'failed', 'cancelled'] as const;
/** A job's or shard's state. */
export type JobState = (typeof JOB_STATES)[number];

/** A job as stored. */
export interface Job {
  id: string;
  orgId: string;
  kind: JobKind;
  /** Product name for score jobs, method for nilm jobs, empty otherwise. */
  target: string;
  executor: ExecutorKind;
  /** Parameters the job was started with (facility ids, product parameters, ...). */
  params: Record<string, unknown>;
  state: JobState;
  shards: number;
  shardsDone: number;
  shardsFailed: number;
  /** Executor's own id (Slurm job id), if any. */
  externalId: string | null;
  createdBy: string | null;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  error: string | null;
}

/** One shard of a job. */
export interface Shard {
  jobId: string;
  index: number;
  state: JobState;
  attempts: number;
  /** What the shard covers, e.g. `12 facilities`. */
  label: string;
  error: string | null;
  startedAt: number | null;
  endedAt: number | null;
}

/** Levels of a job's log lines. */
export const JOB_LOG_LEVELS = ['info', 'warn', 'error'] as const;
/** A log line's level. */
export type JobLogLevel = (typeof JOB_LOG_LEVELS)[number];

/** One log line of a job. */
export interface JobLogLine {
  jobId: string;
  ts: number;
  shard: number | null;
  level: JobLogLevel;
  message: string;
}

/** Jobs, their shards and logs. Writes come from the one coordinator process of a job. */
export interface JobRepo {
  /** Stores a new job and its shards (all pending). */
  createJob(job: Job, shards: Shard[]): Promise<void>;
  /** One job, or undefined. */
  getJob(id: string): Promise<Job | undefined>;
  /** Jobs of an organisation, newest first. */
  listJobs(filter: { orgId?: string; limit?: number }): Promise<Job[]>;
  /** Changes a job's state and counters. */
  updateJob(
    id: string,
    patch: Partial<
      Pick<Job, 'state' | 'shardsDone' | 'shardsFailed' | 'externalId' | 'startedAt' | 'endedAt' | 'error'>
    >,
  ): Promise<void>;
  /** Changes a shard's state. */
  updateShard(
    jobId: string,
    index: number,
    patch: {
      state: JobState;
      attempts?: number;
      error?: string | null;
      startedAt?: number | null;
      endedAt?: number | null;
    },
  ): Promise<void>;
  /** The shards of a job, by index. */
  listShards(jobId: string): Promise<Shard[]>;
  /** Appends log lines. */
  appendLogs(lines: JobLogLine[]): Promise<void>;
  /** Log lines of a job in order, optionally after a time. */
  listLogs(jobId: string, opts?: { after?: number; limit?: number }): Promise<JobLogLine[]>;
}
