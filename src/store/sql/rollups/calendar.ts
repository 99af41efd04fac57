/**
 * The local calendar as a small table: one row per time zone per UTC quarter-hour slot, saying which
 * local hour and local day the slot belongs to. Readings are bucketed by integer division into slots
 * (cheap), and only slots are converted to local time (a few thousand per zone and month), instead of
 * converting every reading. This holds because every time zone in use today changes its offset on a
 * quarter-hour boundary of UTC.
 */
import type { RollupDialect } from './dialect.ts';

/** Length of one slot, ms. */
export const SLOT_MS = 900_000;
/** Slots added on each side of a range so that every day touched is complete in the calendar (50 h). */
const PAD_SLOTS = 200;

/**
 * SQL creating temp table `b_cal(tz, slot, hour_start, hour_label, hour_len, day_start, day_label,
 * day_len)` from a query `ranges` yielding `(tz, lo, hi)` in UTC ms. Hours and days are identified by
 * their UTC start; lengths are in ms (a local day is 23, 24 or 25 h long).
 */
export function calendarSql(d: RollupDialect, ranges: string): string {
  const slotOf = (ms: string) => d.idiv(ms, String(SLOT_MS));
  return d.tempTable('b_cal', {
    as: `
    WITH rng AS (
      SELECT tz, MIN(${slotOf('lo')}) - ${PAD_SLOTS} AS lo, MAX(${slotOf('hi')}) + ${PAD_SLOTS} AS hi
      FROM (${ranges}) r GROUP BY tz
    ),
    s AS (SELECT tz, ${d.series('lo', 'hi')} AS slot FROM rng),
    l AS (SELECT tz, slot, slot * ${SLOT_MS} AS slot_ms, ${d.localEpochMs('tz', `slot * ${SLOT_MS}`)} AS lms FROM s),
    c AS (
      SELECT tz, slot, slot_ms, slot_ms - (lms % 3600000) AS hour_start, lms - (lms % 3600000) AS hour_local,
        ${d.idiv('lms', '86400000')} AS day_idx
      FROM l
    )
    SELECT tz, slot, hour_start, ${d.hourLabel('hour_local')} AS hour_label,
      COUNT(*) OVER (PARTITION BY tz, hour_start) * ${SLOT_MS} AS hour_len,
      MIN(slot_ms) OVER (PARTITION BY tz, day_idx) AS day_start,
      ${d.dayLabel('day_idx * 86400000')} AS day_label,
      COUNT(*) OVER (PARTITION BY tz, day_idx) * ${SLOT_MS} AS day_len
    FROM c`,
  });
}
