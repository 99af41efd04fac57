/**
 * The job-executor port. An executor runs shards of a staged job somewhere (worker threads here, Slurm job
 * arrays on a cluster) and reports when each starts and ends. Retries, progress and storage are the
 * coordinator's (run-job.ts); an executor only runs what it is given.
 */
import type { ExecutorKind } from './types.ts';

/** What an executor reports while it runs shards. */
export type ShardEvent =
  | { type: 'submitted'; externalId: string }
  | { type: 'started'; index: number }
  | { type: 'succeeded'; index: number }
  | { type: 'failed'; index: number; error: string }
  | { type: 'log'; index: number | null; level: 'info' | 'warn' | 'error'; message: string };

/** Runs shards of staged jobs. */
export interface Executor {
  readonly kind: ExecutorKind;
  /**
   * Runs the shards `indexes` of the job staged in `dir`, calling `onEvent` as they start and end. Resolves when
   * every one of them has ended (succeeded or failed). When `signal` aborts, running shards are cancelled and
   * the promise resolves with the unfinished ones reported as failed.
   */
  run(dir: string, indexes: number[], onEvent: (e: ShardEvent) => void, signal: AbortSignal): Promise<void>;
}
