/**
 * Shard-side code per job kind: pure computations over the files of a staging folder. This module is what a
 * shard process loads, so it must not import the store or any server client.
 */
import type { StagedJobManifest } from './staging.ts';

/** A shard's computation: reads its input from `dir`, returns its output (JSON-serialisable). */
export type ShardFn = (
  dir: string,
  index: number,
  manifest: StagedJobManifest,
  log: (message: string) => void,
) => Promise<unknown>;

/** Loads the shard function of a kind lazily, so a shard loads only what its kind needs. */
export async function loadShardFn(kind: StagedJobManifest['kind']): Promise<ShardFn> {
  switch (kind) {
    case 'score':
      return (await import('../scoring/score-shard.ts')).runScoreShard;
    case 'nilm':
      return (await import('./nilm/nilm-shard.ts')).runNilmShard;
    case 'batch':
      return (await import('../batch/shards/batch-task.ts')).runBatchTask;
    default:
      throw new Error(`job kind '${kind}' has no shard code`);
  }
}
