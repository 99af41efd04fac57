/**
 * `loadscope batch`: brings rollups and thresholds up to date. Incremental by default: the ranges the
 * store recorded since the last run are recomputed (whole local days, plus the neighbour sample at
 * the day boundary), and the thresholds of those channels are refreshed. `full` recomputes all.
 */
import { LoadscopeError } from '../errors.ts';
import type { ChangedRange, RecomputeResult, RollupRepo } from '../store/ports/rollups.ts';
import { thresholdName } from './sql/thresholds-sql.ts';

/** What the batch run needs: the rollup repository and the store's change log. */
export interface BatchDeps {
  rollups: RollupRepo;
  /** Returns and forgets the changed ranges (the store's `readings.takeChanges`). */
  takeChanges: () => Promise<ChangedRange[]>;
  now: () => number;
}

/** Options of one run. */
export interface BatchOptions {
  /** Recompute everything instead of the changed days. */
  full?: boolean;
  /** Percentile of the thresholds, in (0, 100); default 97. */
  percentile?: number;
}

/** What one run did. */
export interface BatchSummary extends RecomputeResult {
  mode: 'full' | 'incremental';
  /** Changed ranges consumed from the store. */
  changes: number;
  thresholds: number;
  thresholdName: string;
  seconds: number;
}

/** Runs the batch layer once. */
export async function runBatch(deps: BatchDeps, opts: BatchOptions = {}): Promise<BatchSummary> {
  const percentile = opts.percentile ?? 97;
  if (!(percentile > 0 && percentile < 100))
    throw new RangeError(`percentile must be between 0 and 100 (exclusive), got ${percentile}`);
  const name = thresholdName(percentile);
  const t0 = deps.now();
  // Taken first in both modes: a full run covers them, so they must not be recomputed again next time.
  const changes = await deps.takeChanges();
  try {
    if (opts.full) {
      const r = await deps.rollups.recompute('all');
      const thresholds = await deps.rollups.computeThresholds({ percentile, now: deps.now() });
      return {
        mode: 'full',
        changes: changes.length,
        ...r,
        thresholds,
        thresholdName: name,
        seconds: (deps.now() - t0) / 1000,
      };
    }
    const r = await deps.rollups.recompute(changes);
    // A percentile asked for the first time is computed for every channel, later only for changed ones.
    const fresh = (await deps.rollups.getThresholds(name)).length === 0;
    const channelIds = fresh ? undefined : [...new Set(changes.map((c) => c.channelId))];
    const thresholds = await deps.rollups.computeThresholds({
      percentile,
      now: deps.now(),
      ...(channelIds ? { channelIds } : {}),
    });
    return {
      mode: 'incremental',
      changes: changes.length,
      ...r,
      thresholds,
      thresholdName: name,
      seconds: (deps.now() - t0) / 1000,
    };
  } catch (err) {
    if (changes.length > 0 && !opts.full) {
      const reason = err instanceof Error ? `: ${err.message}` : '';
      const message = `batch failed after taking ${changes.length} pending change(s)${reason}; run 'loadscope batch --full' to rebuild`;
      throw new LoadscopeError('BATCH_INCOMPLETE', message, { exitCode: 75, cause: err });
    }
    throw err;
  }
}
