import type { Job, JobLogLine, JobState, Shard } from '../../jobs/types.ts';

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
