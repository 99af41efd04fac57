/**
 * Jobs: a unit of batch work split into shards that an executor runs locally or on Slurm. The records
 * are the store's port types (the store imports no feature folder); the jobs feature names them here.
 */
export {
  EXECUTOR_KINDS,
  JOB_KINDS,
  JOB_LOG_LEVELS,
  JOB_STATES,
  type ExecutorKind,
  type Job,
  type JobKind,
  type JobLogLevel,
  type JobLogLine,
  type JobState,
  type Shard,
} from '../store/ports/jobs.ts';
