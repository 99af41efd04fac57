/**
 * The batch read from the store's minute rows instead of raw readings (issue 12: "a batch that does
 * the least work"). At ingest every write adds per (channel, minute) the left-hold integral of its
 * readings, sum of value x step to the next reading of the same write (`pair_e`, `pair_cov`,
 * `max_dt`), and flags the rows holding a write's first and last reading of the channel (`edge`,
 * with `first_ts`, `last_ts`, `last_v`). A full recompute then needs no sort of the readings: it sums
 * minute rows per slot and joins only the run ends to the next run's start (a few rows per channel
 * and write), the same intervals as the raw formula in recompute-sql.ts.
 *
 * A channel is read from minute rows ("fast") when that gives the raw formula's result:
 * - interval channels with a nominal interval: their energy and power are sums, minima and maxima
 *   of values (no step needed);
 * - power channels whose runs do not overlap (a later write inside an earlier write's time span
 *   splits one of its steps), whose rows were all written with the step columns (not back-filled
 *   from an older store), and whose longest step is within the gap rule's base (`max_gap_ms`, else
 *   3 x `interval_ms`, else 5 min): then every step is integrated, whatever the learnt gap
 *   (which is never below 3 x `interval_ms`).
 * Every other channel (registers, outages longer than the base gap, overlapping writes, readings
 * without any minute row, as bench/batch.bench.ts inserts them) goes the raw way. Minute rows
 * outlive raw readings under retention (400 against 35 days by default), so a full run now keeps
 * the rollups of days whose raw readings moved to the lake.
 */
import { SLOT_MS } from './calendar.ts';
import type { RollupDialect } from './dialect.ts';

/** `channel_key IN (...)` for the channels matching `where` on `channels c`, or TRUE for all. */
function scope(where: string): string {
  return where === 'TRUE' ? 'TRUE' : `channel_key IN (SELECT c.key FROM channels c WHERE ${where})`;
}

/**
 * Temp table `b_ev(channel_key, ts, kind, v, nts, nkind)`: the start (kind 0) and end (kind 1, with
 * the last value `v`) of every write's run of readings per channel, each with the next event.
 * Runs are disjoint exactly when starts and ends alternate.
 */
export function eventsSql(d: RollupDialect, where = 'TRUE'): string {
  return d.tempTable('b_ev', {
    as: `
    WITH ev AS (
      SELECT channel_key, first_ts AS ts, 0 AS kind, CAST(NULL AS ${d.double}) AS v FROM reading_minutes
      WHERE edge IN (1, 3) AND ${scope(where)}
      UNION ALL
      SELECT channel_key, last_ts, 1, last_v FROM reading_minutes WHERE edge IN (2, 3) AND ${scope(where)}
    )
    SELECT channel_key, ts, kind, v, LEAD(ts) OVER w AS nts, LEAD(kind) OVER w AS nkind
    FROM ev WINDOW w AS (PARTITION BY channel_key ORDER BY ts, kind)`,
  });
}

/**
 * Temp table `b_mst(channel_key, bad, max_step)` from `b_ev` and the minute rows: per channel, the
 * rows without step columns plus the overlapping runs (`bad`), and its longest step.
 */
export function minuteStatsSql(d: RollupDialect, where = 'TRUE'): string {
  return d.tempTable('b_mst', {
    as: `
    WITH e AS (
      SELECT channel_key, SUM(CASE WHEN kind = nkind THEN 1 ELSE 0 END) AS bad,
        MAX(CASE WHEN kind = 1 THEN nts - ts END) AS max_step
      FROM b_ev GROUP BY channel_key
    ),
    m AS (
      SELECT channel_key, MAX(max_dt) AS max_step, COUNT(*) - COUNT(edge) AS legacy
      FROM reading_minutes WHERE ${scope(where)} GROUP BY channel_key
    )
    SELECT m.channel_key, m.legacy + COALESCE(e.bad, 0) AS bad,
      GREATEST(COALESCE(m.max_step, 0), COALESCE(e.max_step, 0)) AS max_step
    FROM m LEFT JOIN e ON e.channel_key = m.channel_key`,
  });
}

/** SQL: whether channel `c` (joined with `b_mst s`) is read from minute rows; see the file comment. */
export const FAST_CHANNEL = `CASE
  WHEN s.channel_key IS NULL THEN FALSE
  WHEN c.measurement = 'interval' AND c.interval_ms IS NOT NULL THEN TRUE
  WHEN c.measurement = 'power' AND COALESCE(s.bad, 0) = 0
    AND COALESCE(s.max_step, 0) <= COALESCE(c.max_gap_ms, 3 * c.interval_ms, 300000) THEN TRUE
  ELSE FALSE END`;

/**
 * Rows `(channel_key, slot, e, cov, mn, mx, n)` of the fast channels in `b_ch`, from their minute
 * rows and their run ends (each run's last reading holds until the next run's first): the same
 * per-slot figures as the raw formula, before grouping by slot.
 */
export function fastSlotRowsSql(d: RollupDialect): string {
  const slot = (ms: string) => d.idiv(ms, String(SLOT_MS));
  const pw = (
    col: string,
  ) => `CASE WHEN NOT h.electric THEN NULL WHEN h.measurement = 'power' THEN ${col} * h.factor
      WHEN h.interval_ms > 0 THEN ${col} * h.factor * 3600000.0 / h.interval_ms END`;
  return `
    SELECT m.channel_key, ${slot('m.minute')} AS slot,
      CASE WHEN h.measurement = 'interval' THEN m.sum_v * h.factor ELSE m.pair_e * h.factor / 3600000.0 END AS e,
      CASE WHEN h.measurement = 'interval' THEN m.n * h.interval_ms ELSE m.pair_cov END AS cov,
      ${pw('m.min_v')} AS mn, ${pw('m.max_v')} AS mx, m.n
    FROM reading_minutes m JOIN b_ch h ON h.channel_key = m.channel_key AND h.fast
    UNION ALL
    SELECT b.channel_key, ${slot('b.ts')}, b.v * h.factor * (b.nts - b.ts) / 3600000.0, b.nts - b.ts,
      CAST(NULL AS ${d.double}), CAST(NULL AS ${d.double}), 0
    FROM b_ev b JOIN b_ch h ON h.channel_key = b.channel_key AND h.fast AND h.measurement = 'power'
    WHERE b.kind = 1 AND b.nkind = 0`;
}
