/**
 * Percentile thresholds: the continuous percentile (linear interpolation between order statistics,
 * as DuckDB's quantile_cont and PostgreSQL's percentile_cont) of each channel's ACTIVE values (above
 * zero) over its whole history, read from the channel's sketch (sketch-sql.ts). An appliance that is off most of the time is judged against how it
 * runs, not against its idle zero: over all samples, a kettle's p97 is 0 W and every boil would be an
 * overshoot. Power and interval channels only; a register's values are not a load.
 *
 * A channel gets no threshold until its history can say what normal use is (see
 * {@link MIN_ACTIVE_HISTORY}): a channel never on had p97 = 0, so its first use raised "above
 * threshold 0"; without a threshold the overshoot rule does not watch it yet.
 */
import type { RollupDialect } from './dialect.ts';
import { sketchQuantileSql } from './sketch-sql.ts';

/** What a channel's history must hold before it gets a percentile threshold. */
export const MIN_ACTIVE_HISTORY = {
  /** Time from its first to its last reading. */
  spanMs: 20 * 3_600_000,
  /** Readings above zero. */
  activeReadings: 10,
  /** Share of its readings above zero. */
  activeShare: 0.001,
} as const;

/** Deletes the thresholds named `$1`, of the channels in `b_thr` when `some`. */
export function deleteThresholdsSql(some: boolean): string {
  return `DELETE FROM thresholds WHERE name = $1${some ? ' AND channel_key IN (SELECT channel_key FROM b_thr)' : ''}`;
}

/**
 * Inserts thresholds named `$1` with percentile `percentile`, computed at `$2`, read from the channels'
 * merged sketches (sketch-sql.ts: within 0.5 % of the exact percentile, exact where the rank falls on a
 * bucket's edge or in a bucket of one distinct value); for the channels in `b_thr` when `some`. The
 * percentile is inlined as a literal (it is validated as a number first).
 */
export function insertThresholdsSql(d: RollupDialect, percentile: number, some: boolean): string {
  if (!(percentile > 0 && percentile < 100))
    throw new RangeError(`percentile must be in (0, 100), got ${percentile}`);
  const m = MIN_ACTIVE_HISTORY;
  const eligible = `to_ts - from_ts >= ${m.spanMs} AND n_active >= ${m.activeReadings}
    AND n_active >= ${m.activeShare} * n_all`;
  const q = sketchQuantileSql(
    d,
    String(percentile / 100),
    some ? 'SELECT channel_key FROM b_thr' : undefined,
    eligible,
  );
  return `INSERT INTO thresholds (channel_key, name, value, percentile, computed_at, from_ts, to_ts)
    SELECT q.channel_key, CAST($1 AS VARCHAR), q.value, ${percentile}, CAST($2 AS BIGINT), q.from_ts, q.to_ts
    FROM (${q}) q JOIN channels c ON c.key = q.channel_key
    WHERE c.measurement IN ('power', 'interval')`;
}
