/**
 * The mergeable sketch behind the percentile thresholds (issue 12): per channel and UTC day, a
 * log-bucket histogram of the channel's ACTIVE values (above zero; thresholds-sql.ts says why), with
 * count, minimum and maximum per bucket, and the day's reading counts and first/last time. Days merge
 * by SUM / MIN / MAX, so a channel's whole history is the merge of its days, and a run rebuilds only
 * the days that changed instead of re-reading every value the channel ever sent (the exact percentile
 * kept 292 M values in memory for the incremental run after one new day: 525 s, 9.5 GB).
 *
 * Bucket i holds the values v with GAMMA^i <= v < GAMMA^(i+1) (DDSketch's mapping), so any value read
 * from within a bucket is within a relative GAMMA - 1 = 0.5 % of every value in it. The percentile is
 * read from the merged buckets at its rank, interpolated between the bucket's minimum and maximum by
 * rank within the bucket; the lowest and highest ranks of a bucket are its exact minimum and maximum,
 * and a bucket holding one distinct value gives that value exactly.
 *
 * UTC days, not local ones: retention moves whole UTC days into the lake, the lake's partitions and
 * the sharded batch's tasks are UTC days, and a facility's time zone can change without invalidating
 * a sketch. The day is only the unit of recomputation; the threshold is over the whole history.
 */
import type { RollupDialect } from './dialect.ts';

/** Ratio of a bucket's upper to lower bound: the largest relative error of a value read from it. */
export const SKETCH_GAMMA = 1.005;
/** ln(GAMMA) as a literal: both engines parse it to the same double, so they bucket alike. */
const LN_GAMMA = String(Math.log(SKETCH_GAMMA));
/** Length of a sketch day, ms (UTC days). */
export const SKETCH_DAY_MS = 86_400_000;

/** SQL: the sketch bucket of a value above zero (null otherwise). `ln` is never given a value <= 0. */
export function bucketSql(v: string): string {
  return `CASE WHEN ${v} > 0 THEN CAST(floor(ln(CASE WHEN ${v} > 0 THEN ${v} ELSE 1 END) / ${LN_GAMMA}) AS INTEGER) END`;
}

/** SQL: the channels that get thresholds, hence sketches (a register's values are not a load). */
export const SKETCHED_CHANNELS = `SELECT key FROM channels WHERE measurement IN ('power', 'interval')`;

/**
 * What a sketch rebuild reads: `all` channels' readings; the channels of temp table `b_thr`
 * (`channels`); or the (channel, UTC day) pairs of temp table `b_skd` (`days`), whose readings lie
 * between `from` and `to` (UTC ms, a literal range the engines prune by: DuckDB's zone maps, the
 * PostgreSQL store's month partitions).
 */
export type SketchSource =
  { kind: 'all' } | { kind: 'channels' } | { kind: 'days'; from: number; to: number };

/** Temp table `b_skd(channel_key, day)`: the (channel, UTC day) pairs whose sketch is replaced. */
export function sketchDaysTableSql(d: RollupDialect): string {
  return d.tempTable('b_skd', { cols: 'channel_key INTEGER, day INTEGER' });
}

/**
 * Fills `b_skd` with the UTC days touched by the changed ranges of `b_chg` (sketched channels only).
 * A changed day that retention has moved into the lake keeps its sketch: the store holds only the
 * readings that arrived after the move, and a sketch of those alone would drop the moved ones (the
 * late readings do not reach the threshold until a sharded full run reads the lake).
 */
export function changedSketchDaysSql(d: RollupDialect): string {
  const day = (ms: string) => d.idiv(ms, String(SKETCH_DAY_MS));
  return `INSERT INTO b_skd SELECT DISTINCT channel_key, CAST(day AS INTEGER) FROM (
      SELECT c.key AS channel_key, ${d.series(day('g.from_ts'), day('g.to_ts'))} AS day, rt.lake_before
      FROM b_chg g JOIN channels c ON c.id = g.channel_id JOIN meters m ON m.id = c.meter_id
        JOIN facilities f ON f.id = m.facility_id LEFT JOIN retention rt ON rt.org_id = f.org_id
      WHERE c.key IN (${SKETCHED_CHANNELS})
    ) x WHERE lake_before IS NULL OR (day + 1) * ${SKETCH_DAY_MS} > lake_before`;
}

/**
 * Temp table `b_sku(channel_key)`: the sketched channels among `scope` (a query of keys) that have no
 * sketch yet: a store from before the sketches, or a channel's first run. Their history must be
 * sketched once ({@link unsketchedDaysSql}) before it can be merged.
 */
export function unsketchedChannelsSql(d: RollupDialect, scope: string): string {
  return d.tempTable('b_sku', {
    as: `SELECT c.key AS channel_key FROM channels c WHERE c.key IN (${scope}) AND c.key IN (${SKETCHED_CHANNELS})
      AND NOT EXISTS (SELECT 1 FROM threshold_days t WHERE t.channel_key = c.key)`,
  });
}

/** Adds to `b_skd` every day with raw readings of the channels in `b_sku`. */
export function unsketchedDaysSql(d: RollupDialect): string {
  return `INSERT INTO b_skd SELECT DISTINCT r.channel_key, CAST(${d.idiv('r.ts', String(SKETCH_DAY_MS))} AS INTEGER)
    FROM readings r WHERE r.channel_key IN (SELECT channel_key FROM b_sku)
    EXCEPT SELECT channel_key, day FROM b_skd`;
}

/**
 * Temp table `b_nsk(channel_key, day, bucket, n, min_v, max_v, first_ts, last_ts)`: the new sketch
 * rows of `source`, one pass over its readings. `bucket` is null for the readings at or below zero
 * (they count towards the day's readings, not its values).
 */
export function newSketchSql(d: RollupDialect, source: SketchSource): string {
  const day = d.idiv('r.ts', String(SKETCH_DAY_MS));
  const from =
    source.kind === 'days'
      ? `readings r JOIN b_skd k ON k.channel_key = r.channel_key AND k.day = ${day}
         WHERE r.ts >= ${Math.floor(source.from)} AND r.ts < ${Math.ceil(source.to)}`
      : source.kind === 'channels'
        ? `readings r WHERE r.channel_key IN (SELECT channel_key FROM b_thr WHERE channel_key IN (${SKETCHED_CHANNELS}))`
        : `readings r WHERE r.channel_key IN (${SKETCHED_CHANNELS})`;
  return d.tempTable('b_nsk', {
    as: `
    SELECT r.channel_key, CAST(${day} AS INTEGER) AS day, ${bucketSql('r.value')} AS bucket, COUNT(*) AS n,
      MIN(r.value) AS min_v, MAX(r.value) AS max_v, MIN(r.ts) AS first_ts, MAX(r.ts) AS last_ts
    FROM ${from}
    GROUP BY 1, 2, 3`,
  });
}

/** Fills `b_skd` with the days of `b_nsk` (a rebuild of whole channels replaces the days it read). */
export const NEW_SKETCH_DAYS_SQL = `INSERT INTO b_skd SELECT DISTINCT channel_key, day FROM b_nsk`;

/**
 * Statements replacing the sketch rows of the days in `b_skd` with `b_nsk`'s. Days of a channel that
 * are not in `b_skd` stay: under retention their raw readings are in the lake, and their sketch is
 * what keeps them in the channel's threshold.
 */
export function replaceSketchSql(): string[] {
  const inDays = (t: string) =>
    `EXISTS (SELECT 1 FROM b_skd k WHERE k.channel_key = ${t}.channel_key AND k.day = ${t}.day)`;
  return [
    `DELETE FROM threshold_days WHERE ${inDays('threshold_days')}`,
    `DELETE FROM threshold_buckets WHERE ${inDays('threshold_buckets')}`,
    `INSERT INTO threshold_days (channel_key, day, readings, active, first_ts, last_ts)
      SELECT channel_key, day, SUM(n), SUM(CASE WHEN bucket IS NULL THEN 0 ELSE n END), MIN(first_ts), MAX(last_ts)
      FROM b_nsk GROUP BY channel_key, day`,
    `INSERT INTO threshold_buckets (channel_key, day, bucket, n, min_v, max_v)
      SELECT channel_key, day, bucket, n, min_v, max_v FROM b_nsk WHERE bucket IS NOT NULL`,
  ];
}

/**
 * A query of `(channel_key, value, from_ts, to_ts)`: the `fraction` quantile (a literal in 0..1) of
 * each channel's merged sketch, for the channels `scope` names (a query of keys, or undefined for
 * every channel), when `eligible` (an SQL condition on the merged day rows: `n_all`, `n_active`,
 * `from_ts`, `to_ts`) holds.
 *
 * As the exact continuous percentile: position h = (n - 1) x fraction among the n active values in
 * order, the value at floor(h) plus (h - floor(h)) times the step to the value at ceil(h). The value
 * at rank r is read in the merged bucket holding it, between the bucket's minimum and maximum in
 * proportion to r's place among the bucket's ranks.
 */
export function sketchQuantileSql(
  d: RollupDialect,
  fraction: string,
  scope: string | undefined,
  eligible: string,
): string {
  const dbl = (x: string) => `CAST(${x} AS ${d.double})`;
  const at = (r: string) => `(${r} >= c.below AND ${r} < c.below + c.n)`;
  // A bucket's first and last ranks are its minimum and maximum as stored, not through arithmetic.
  const est = (r: string) => `CASE WHEN ${r} <= c.below THEN c.lo WHEN ${r} >= c.below + c.n - 1 THEN c.hi
    ELSE c.lo + (c.hi - c.lo) * (${r} - c.below) / (c.n - 1) END`;
  const where = (t: string) => (scope ? ` WHERE ${t}.channel_key IN (${scope})` : '');
  return `
    SELECT q.channel_key, q.v0 + (q.pos - q.r0) * (q.v1 - q.v0) AS value, q.from_ts, q.to_ts FROM (
      SELECT h.channel_key, h.pos, h.r0, h.from_ts, h.to_ts,
        MAX(CASE WHEN ${at('h.r0')} THEN ${est('h.r0')} END) AS v0,
        MAX(CASE WHEN ${at('h.r1')} THEN ${est('h.r1')} END) AS v1
      FROM (
        SELECT channel_key, from_ts, to_ts, pos, floor(pos) AS r0, ceil(pos) AS r1 FROM (
          SELECT channel_key, from_ts, to_ts, ${dbl('n_active - 1')} * ${fraction} AS pos FROM (
            SELECT t.channel_key, SUM(t.readings) AS n_all, SUM(t.active) AS n_active,
              MIN(t.first_ts) AS from_ts, MAX(t.last_ts) AS to_ts
            FROM threshold_days t${where('t')} GROUP BY t.channel_key
          ) m WHERE n_active > 0 AND ${eligible}
        ) p
      ) h JOIN (
        SELECT channel_key, n, lo, hi,
          ${dbl('SUM(n) OVER (PARTITION BY channel_key ORDER BY bucket ROWS UNBOUNDED PRECEDING)')} - n AS below
        FROM (
          SELECT b.channel_key, b.bucket, ${dbl('SUM(b.n)')} AS n, MIN(b.min_v) AS lo, MAX(b.max_v) AS hi
          FROM threshold_buckets b${where('b')} GROUP BY b.channel_key, b.bucket
        ) mb
      ) c ON c.channel_key = h.channel_key
      WHERE ${at('h.r0')} OR ${at('h.r1')}
      GROUP BY h.channel_key, h.pos, h.r0, h.from_ts, h.to_ts
    ) q`;
}
