/**
 * The rollup computation as SQL, written once for both adapters (see dialect.ts for the differences).
 *
 * Per channel, each sample i opens an interval [t_i, t_(i+1)); the interval belongs to the hour and
 * day of its start t_i. An interval longer than the channel's maximum gap (see {@link channelsSql})
 * is not integrated and does not count as covered.
 * - power:    E = P_i x (t_(i+1) - t_i), covered = t_(i+1) - t_i
 * - interval: E = value_i (the energy of the interval starting at t_i), covered = interval_ms
 *             (or the gap to the next sample when interval_ms is unknown)
 * - register: E = v_(i+1) - v_i; when negative, a rollover (v_(i+1) + rollover_at - v_i) if
 *             rollover_at is set, else a reset (v_(i+1))
 * Samples are first summed per UTC quarter-hour slot, then slots are mapped to local hours and days
 * through the calendar table (calendar.ts).
 */
import { SLOT_MS } from './calendar.ts';
import type { RollupDialect } from './dialect.ts';
import { FAST_CHANNEL, fastSlotRowsSql } from './minutes-sql.ts';

const ELECTRIC_UNITS = `('W', 'kW', 'Wh', 'kWh')`;

/** Quantile of a power channel's observed steps that sets its default maximum gap. */
export const GAP_STEP_QUANTILE = 0.99;
/** The default maximum gap is this many times the observed step quantile... */
export const GAP_STEP_FACTOR = 3;
/** ...clamped to this range of multiples of the nominal interval. */
export const GAP_NOMINAL_RANGE = [3, 10] as const;

/**
 * Temp table `b_ch`: per channel its key, id, measurement, interval, effective maximum gap, rollover,
 * unit factor to W/Wh, whether it is electric, its facility's time zone, and whether it is read from
 * minute rows (`fast`; needs `b_mst` from minutes-sql.ts; never without `minutes`). `where` filters `channels c`.
 *
 * The maximum gap is the channel's `max_gap_ms` when set. Otherwise, for a power channel with a
 * nominal interval, it follows the data: 3 x the p99 of the channel's observed steps, clamped to
 * 3-10 x nominal. Loggers jitter: REDD's "3 s" mains log at 3-4 s with ~5 % of steps at 8-13 s; a
 * fixed 3 x nominal (9 s) dropped those as outages and read the day 0.35-0.39 % low, while its one
 * real outage (166 s) stays out. Without a nominal interval: 3 x interval, else 5 minutes.
 */
export function channelsSql(d: RollupDialect, where = 'TRUE', minutes = true): string {
  const [lo, hi] = GAP_NOMINAL_RANGE;
  const learnt = `CASE WHEN c.measurement = 'power' AND c.interval_ms IS NOT NULL AND st.step IS NOT NULL
      THEN CAST(LEAST(${hi} * c.interval_ms, GREATEST(${lo} * c.interval_ms, ${GAP_STEP_FACTOR} * st.step)) AS BIGINT) END`;
  // Steps only of the channels that need them (power, nominal interval, no explicit gap) and are not
  // read from minute rows: for those every step is within 3 x nominal, so any learnt gap keeps them all.
  const steps = `
      SELECT channel_key, ${d.quantile('step', String(GAP_STEP_QUANTILE))} AS step FROM (
        SELECT r.channel_key, LEAD(r.ts) OVER (PARTITION BY r.channel_key ORDER BY r.ts) - r.ts AS step
        FROM readings r WHERE r.channel_key IN (
          SELECT c.key FROM cf c WHERE c.measurement = 'power' AND c.max_gap_ms IS NULL AND c.interval_ms IS NOT NULL
            AND NOT c.fast)
      ) s WHERE step IS NOT NULL GROUP BY channel_key`;
  return d.tempTable('b_ch', {
    as: `
    WITH cf AS (
      SELECT c.key, c.id, c.measurement, c.interval_ms, c.rollover_at, c.max_gap_ms, c.unit, f.time_zone,
        ${minutes ? FAST_CHANNEL : 'FALSE'} AS fast
      FROM channels c JOIN meters m ON m.id = c.meter_id JOIN facilities f ON f.id = m.facility_id
        ${minutes ? 'LEFT JOIN b_mst s ON s.channel_key = c.key' : ''}
      WHERE ${where}
    )
    SELECT c.key AS channel_key, c.id AS channel_id, c.measurement, c.interval_ms, c.rollover_at,
      COALESCE(c.max_gap_ms, ${learnt}, 3 * c.interval_ms, 300000) AS max_gap,
      CASE WHEN c.unit IN ('kW', 'kWh') THEN CAST(1000 AS ${d.double}) ELSE CAST(1 AS ${d.double}) END AS factor,
      c.unit IN ${ELECTRIC_UNITS} AS electric, c.time_zone AS tz, c.fast
    FROM cf c LEFT JOIN (${steps}) st ON st.channel_key = c.key`,
  });
}

/** Temp table `b_chg(channel_id, from_ts, to_ts)` for the changed ranges. */
export function changesTableSql(d: RollupDialect): string {
  return d.tempTable('b_chg', { cols: 'channel_id VARCHAR, from_ts BIGINT, to_ts BIGINT' });
}

/** Calendar ranges `(tz, lo, hi)` covering every changed range widened by the maximum gap. */
export const CHANGED_CAL_RANGES = `
  SELECT h.tz, g.from_ts - h.max_gap AS lo, g.to_ts AS hi FROM b_chg g JOIN b_ch h ON h.channel_id = g.channel_id`;

/** Calendar ranges `(tz, lo, hi)` covering every stored reading (one range for all, cheaper than per channel). */
export const ALL_CAL_RANGES = `
  SELECT h.tz, r.lo, r.hi FROM (SELECT DISTINCT tz FROM b_ch) h, (SELECT MIN(ts) AS lo, MAX(ts) AS hi FROM readings) r
  WHERE r.lo IS NOT NULL`;

/** As {@link ALL_CAL_RANGES}, also covering the minute rows (kept longer than raw readings under retention). */
export const ALL_CAL_RANGES_WITH_MINUTES = `${ALL_CAL_RANGES}
  UNION ALL SELECT h.tz, r.lo, r.hi + 60000 FROM (SELECT DISTINCT tz FROM b_ch) h,
    (SELECT MIN(minute) AS lo, MAX(minute) AS hi FROM reading_minutes) r WHERE r.lo IS NOT NULL`;

/**
 * Temp table `b_win(channel_key, from_ts, to_ts, read_to)`: per channel, the disjoint runs of whole
 * local days to recompute (`read_to` = end + maximum gap: the readings needed). A change [from, to] dirties the days from the one holding `from - max_gap` (whose
 * last interval may now end at a new sample) to the one holding `to`; overlapping runs are merged.
 */
export function windowsSql(d: RollupDialect): string {
  const slotOf = (ms: string) => d.idiv(ms, String(SLOT_MS));
  return d.tempTable('b_win', {
    as: `
    WITH gs AS (
      SELECT h.channel_key, h.tz, h.max_gap, ${slotOf('g.from_ts - h.max_gap')} AS lo_slot, ${slotOf('g.to_ts')} AS hi_slot
      FROM b_chg g JOIN b_ch h ON h.channel_id = g.channel_id
    ),
    dd AS (
      SELECT gs.channel_key, gs.max_gap, c1.day_start AS from_ts, c2.day_start + c2.day_len AS to_ts
      FROM gs JOIN b_cal c1 ON c1.tz = gs.tz AND c1.slot = gs.lo_slot
      JOIN b_cal c2 ON c2.tz = gs.tz AND c2.slot = gs.hi_slot
    ),
    o AS (
      SELECT channel_key, max_gap, from_ts, to_ts, MAX(to_ts) OVER (PARTITION BY channel_key ORDER BY from_ts, to_ts
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_to
      FROM dd
    ),
    i AS (
      SELECT channel_key, max_gap, from_ts, to_ts, SUM(CASE WHEN prev_to IS NULL OR from_ts > prev_to THEN 1 ELSE 0 END)
        OVER (PARTITION BY channel_key ORDER BY from_ts, to_ts ROWS UNBOUNDED PRECEDING) AS grp
      FROM o
    )
    SELECT channel_key, MIN(from_ts) AS from_ts, MAX(to_ts) AS to_ts, MAX(to_ts) + MAX(max_gap) AS read_to
    FROM i GROUP BY channel_key, grp`,
  });
}

/** Number of (channel, local day) pairs inside the windows. */
export const WINDOW_DAYS_SQL = `
  SELECT COUNT(*) AS n FROM b_win w JOIN b_ch h ON h.channel_key = w.channel_key
  JOIN (SELECT DISTINCT tz, day_start FROM b_cal) k ON k.tz = h.tz AND k.day_start >= w.from_ts AND k.day_start < w.to_ts`;

/** Deletes the rows of `table` inside the windows (or all rows). */
export function deleteSql(table: string, all: boolean): string {
  if (all) return `DELETE FROM ${table}`;
  return `DELETE FROM ${table} WHERE EXISTS (SELECT 1 FROM b_win w WHERE w.channel_key = ${table}.channel_key
    AND ${table}.start_ts >= w.from_ts AND ${table}.start_ts < w.to_ts)`;
}

/**
 * Temp table `b_agg`: per channel and UTC slot the summed energy, covered ms, min/max power and sample
 * count, joined with the slot's local hour and day. `all`: the fast channels of `b_ch` from their
 * minute rows (minutes-sql.ts) when `from.minutes`, and when `from.raw` the others from every reading; otherwise every
 * channel of `b_ch` from the readings of its windows, each with the samples up to one maximum gap
 * after its end (the neighbours closing its last interval), between `bounds` (UTC ms) when given.
 * Without `registers` in scope the next value is not looked up (one window function fewer).
 */
export function aggregateSql(
  d: RollupDialect,
  all: boolean,
  registers = true,
  from: { minutes: boolean; raw: boolean } = { minutes: false, raw: true },
  bounds?: { from: number; to: number },
): string {
  // The whole history is one window per channel; a partial run has one per (channel, run of days).
  // The windows' overall bounds as literals let DuckDB skip row groups by their zone maps (and
  // PostgreSQL month partitions): the join alone probed every reading of the changed channels.
  const within = bounds ? ` WHERE r.ts >= ${Math.floor(bounds.from)} AND r.ts < ${Math.ceil(bounds.to)}` : '';
  const src = all
    ? `SELECT channel_key, ts, value FROM readings WHERE channel_key IN (SELECT channel_key FROM b_ch WHERE NOT fast)`
    : `SELECT r.channel_key, r.ts, r.value, w.from_ts AS part, w.to_ts AS win_to
       FROM b_win w JOIN readings r ON r.channel_key = w.channel_key AND r.ts >= w.from_ts AND r.ts < w.read_to${within}`;
  const over = `OVER (PARTITION BY channel_key${all ? '' : ', part'} ORDER BY ts)`;
  const ok = 'n.nts - n.ts <= h.max_gap';
  const v = 'n.value * h.factor';
  const nv = 'n.nvalue * h.factor';
  const delta = `CASE WHEN ${nv} >= ${v} THEN ${nv} - ${v}
      WHEN h.rollover_at IS NOT NULL THEN ${nv} + h.rollover_at * h.factor - ${v} ELSE ${nv} END`;
  const rawRows = `
      SELECT channel_key, ${d.idiv('ts', String(SLOT_MS))} AS slot, e, cov, pw AS mn, pw AS mx, 1 AS n FROM (
      SELECT n.channel_key, n.ts,
        CASE h.measurement
          WHEN 'power' THEN CASE WHEN ${ok} THEN ${v} * (n.nts - n.ts) / 3600000.0 END
          WHEN 'interval' THEN ${v}
          ELSE CASE WHEN ${ok} THEN ${delta} END END AS e,
        CASE WHEN h.measurement = 'interval' AND h.interval_ms IS NOT NULL THEN h.interval_ms
          WHEN ${ok} THEN n.nts - n.ts ELSE 0 END AS cov,
        CASE WHEN NOT h.electric THEN NULL
          WHEN h.measurement = 'power' THEN ${v}
          WHEN h.measurement = 'interval' THEN CASE WHEN h.interval_ms > 0 THEN ${v} * 3600000.0 / h.interval_ms END
          ELSE CASE WHEN ${ok} AND n.nts > n.ts THEN (${delta}) * 3600000.0 / (n.nts - n.ts) END END AS pw
      FROM (
        SELECT channel_key, ts, value, ${all ? '' : 'win_to, '}LEAD(ts) ${over} AS nts,
          ${registers ? `LEAD(value) ${over}` : `CAST(NULL AS ${d.double})`} AS nvalue
        FROM (${src}) s
      ) n JOIN b_ch h ON h.channel_key = n.channel_key
      ${all ? '' : 'WHERE n.ts < n.win_to'}) iv`;
  const rows = all
    ? [...(from.minutes ? [fastSlotRowsSql(d)] : []), ...(from.raw ? [rawRows] : [])].join(' UNION ALL ')
    : rawRows;
  return d.tempTable('b_agg', {
    as: `
    WITH sl AS (
      SELECT channel_key, slot, SUM(e) AS e, SUM(cov) AS cov, MIN(mn) AS mn, MAX(mx) AS mx, SUM(n) AS n
      FROM (${rows}) x GROUP BY channel_key, slot
    )
    SELECT sl.channel_key, h.electric, c.hour_start, c.hour_label, c.hour_len, c.day_start, c.day_label, c.day_len,
      sl.e, sl.cov, sl.mn, sl.mx, sl.n
    FROM sl JOIN b_ch h ON h.channel_key = sl.channel_key JOIN b_cal c ON c.tz = h.tz AND c.slot = sl.slot`,
  });
}

/** Inserts `b_agg` grouped by local hour or day into `rollups_hour` / `rollups_day`. */
export function insertRollupsSql(d: RollupDialect, period: 'hour' | 'day'): string {
  const p = period;
  return `INSERT INTO rollups_${p} (channel_key, start_ts, label, energy, covered_ms, length_ms, mean_power, min_power,
      max_power, samples, coverage)
    SELECT channel_key, ${p}_start, ${p}_label, COALESCE(SUM(e), 0), CAST(SUM(cov) AS BIGINT), ${p}_len,
      CASE WHEN electric AND SUM(cov) > 0 THEN COALESCE(SUM(e), 0) * 3600000.0 / SUM(cov) END, MIN(mn), MAX(mx),
      CAST(SUM(n) AS BIGINT), LEAST(CAST(1 AS ${d.double}), CAST(SUM(cov) AS ${d.double}) / ${p}_len)
    FROM b_agg GROUP BY channel_key, electric, ${p}_start, ${p}_label, ${p}_len`;
}
