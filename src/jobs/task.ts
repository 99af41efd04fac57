import type { Store } from '../store/store.ts';
import type { Job } from './types.ts';

/** What a job kind does on the coordinator's side, before and after its shards run. */
export interface JobTask {
  /**
   * Writes the inputs of every shard into `dir` (the manifest is written already) and returns one label per
   * shard, e.g. `facilities 0-499`. May be called again for a re-run; it overwrites.
   */
  stage(ctx: {
    store: Store;
    dir: string;
    job: Job;
    shards: number;
    log: (message: string) => void;
  }): Promise<string[]>;
  /** Stores what the succeeded shards produced; returns a one-line summary for the job log. */
  collect(
    ctx: { store: Store; dir: string; job: Job; now: () => number },
    outputs: Map<number, unknown>,
  ): Promise<string>;
}
