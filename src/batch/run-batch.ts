/**
 * `loadscope batch`: brings rollups and thresholds up to date. Incremental by default: the ranges the
 * store recorded since the last run are recomputed (whole local days, plus the neighbour sample at
 * the day boundary), and the thresholds of those channels are refreshed. `full` recomputes all.
 * The changes are peeked first and acknowledged only after everything committed, so a run that
 * fails leaves them pending and the next run recomputes them.
 */
import { thresholdName } from '../domain/types.ts';
import { LoadscopeError } from '../errors.ts';
import type { ReadingChangeLog } from '../store/ports/readings.ts';
import type { RetentionRepo } from '../store/ports/retention.ts';
import type { ChangedRange, RecomputeResult, RollupRepo } from '../store/ports/rollups.ts';

/** What the batch run needs: the rollup repository and the store's change log. */
export interface BatchDeps {
  rollups: RollupRepo;
  /** The store's change log (`store.readings`). */
  changes: ReadingChangeLog;
  now: () => number;
  /**
   * Prices what the run recomputed (the cost feature's step, after the thresholds): every meter for a
   * full run, the meters of the changed channels otherwise. Absent: no costs.
   */
  costs?: (scope: 'all' | ChangedRange[]) => Promise<CostStepResult>;
  /**
   * The organisations' retention (`store.retention`). Once a retention run has moved an organisation's
   * older readings into the lake, a full run recomputes only the days the store still holds whole and
   * keeps the rollups before them ({@link BatchSummary.kept}); the sharded batch recomputes those from
   * the lake.
   */
  retention?: Pick<RetentionRepo, 'list' | 'heldExtents'>;
}

/** What the cost step did. */
export interface CostStepResult {
  /** Meters priced. */
  meters: number;
  /** Cost rows written. */
  rows: number;
  /** Problems worth telling the user (an unknown tariff name, days no tariff version covers). */
  warnings: string[];
}

/** Steps of a run before the changes are acknowledged, in order; see {@link BatchOptions.onStep}. */
export const BATCH_STEPS = ['peeked', 'recomputed', 'thresholds'] as const;
/** A step of a run. */
export type BatchStep = (typeof BATCH_STEPS)[number];

/** Options of one run. */
export interface BatchOptions {
  /** Recompute everything instead of the changed days. */
  full?: boolean;
  /** Percentile of the thresholds, in (0, 100); default 97. */
  percentile?: number;
  /**
   * Called after each step has committed (progress). An error it throws fails the run as a failing
   * step would: the changes are not acknowledged and stay pending for the next run.
   */
  onStep?: (step: BatchStep) => Promise<void> | void;
}

/** What one run did. */
export interface BatchSummary extends RecomputeResult {
  mode: 'full' | 'incremental';
  /** Changed ranges taken from the store's change log (and acknowledged). */
  changes: number;
  thresholds: number;
  thresholdName: string;
  /** The cost step's result, when the run had one. */
  costs?: CostStepResult;
  /**
   * A full run after retention: per organisation whose older readings live only in the lake, the time
   * (UTC ms) before which its rollups were kept as they were instead of recomputed.
   */
  kept?: { orgId: string; before: number }[];
  seconds: number;
}

/** Runs the batch layer once. */
export async function runBatch(deps: BatchDeps, opts: BatchOptions = {}): Promise<BatchSummary> {
  const percentile = opts.percentile ?? 97;
  if (!(percentile > 0 && percentile < 100))
    throw new RangeError(`percentile must be between 0 and 100 (exclusive), got ${percentile}`);
  const name = thresholdName(percentile);
  const held = opts.full && deps.retention ? await heldInStore(deps.retention) : undefined;
  const step = async (s: BatchStep) => opts.onStep?.(s);
  const t0 = deps.now();
  // Peeked first in both modes: a full run covers them too, so they must not be recomputed again
  // next time. Changes recorded from here on are not in the token and stay for the next run.
  const { changes, token } = await deps.changes.peekChanges();
  try {
    await step('peeked');
    // A full run after retention is an incremental one over everything the store holds whole, plus the
    // pending changes (late readings of moved days are recomputed from their minute rows, as always).
    const heldScope = held ? [...held.ranges, ...changes] : undefined;
    const r = await deps.rollups.recompute(heldScope ?? (opts.full ? 'all' : changes));
    await step('recomputed');
    // A percentile asked for the first time is computed for every channel, later only for changed ones.
    const every = opts.full || (await deps.rollups.getThresholds(name)).length === 0;
    const channelIds = every ? undefined : [...new Set(changes.map((c) => c.channelId))];
    // Incremental runs rebuild the sketches of the changed days only, and merge each channel's days.
    const thresholds = await deps.rollups.computeThresholds({
      percentile,
      now: deps.now(),
      ...(channelIds ? { channelIds } : {}),
      ...(heldScope ? { changes: heldScope } : opts.full ? {} : { changes }),
    });
    await step('thresholds');
    const costs = deps.costs ? await deps.costs(opts.full ? 'all' : changes) : undefined;
    await deps.changes.ackChanges(token);
    return {
      mode: opts.full ? 'full' : 'incremental',
      changes: changes.length,
      ...r,
      thresholds,
      thresholdName: name,
      ...(costs ? { costs } : {}),
      ...(held ? { kept: held.kept } : {}),
      seconds: (deps.now() - t0) / 1000,
    };
  } catch (err) {
    if (changes.length === 0) throw err;
    const reason = err instanceof Error ? `: ${err.message}` : '';
    const message = `batch failed with ${changes.length} pending change(s)${reason}; they stay pending and the next 'loadscope batch' recomputes them`;
    throw new LoadscopeError('BATCH_INCOMPLETE', message, { exitCode: 75, cause: err });
  }
}

/**
 * Kept clear of the lake boundary, so that every local day recomputed is whole in the store: a range
 * reaches back by its channel's largest gap into the local day before, which then starts at most
 * 25 hours (time zone, DST) before that.
 */
const BOUNDARY_MARGIN_MS = 2 * 86_400_000;

/**
 * What a full run recomputes once retention has moved readings into the lake: for each channel, its
 * readings from two days after its organisation's boundary (the later of where the lake and the minute
 * aggregates begin to hold the only copy) to its last one. Undefined while no organisation has moved any:
 * then a full run recomputes everything, as before.
 */
async function heldInStore(
  retention: Pick<RetentionRepo, 'list' | 'heldExtents'>,
): Promise<{ ranges: ChangedRange[]; kept: { orgId: string; before: number }[] } | undefined> {
  const boundary = new Map<string, number>();
  for (const r of await retention.list())
    if (r.lakeBefore !== null)
      boundary.set(r.orgId, Math.max(r.lakeBefore, r.minutesBefore ?? -Infinity) + BOUNDARY_MARGIN_MS);
  if (!boundary.size) return undefined;
  const ranges: ChangedRange[] = [];
  for (const e of await retention.heldExtents()) {
    const from = Math.max(e.from, boundary.get(e.orgId) ?? -Infinity);
    if (from <= e.to) ranges.push({ channelId: e.channelId, from, to: e.to });
  }
  return { ranges, kept: [...boundary].map(([orgId, before]) => ({ orgId, before })) };
}
