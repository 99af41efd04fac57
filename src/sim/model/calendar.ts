/**
 * Local time for the models: routines follow the facility's clock (daylight saving included), while
 * the data is rendered per UTC day. Offsets and local days come from the time module.
 */
import { localDays } from '../../util/time/index.ts';

/** Milliseconds in a day. */
export const DAY_MS = 86_400_000;
/** Milliseconds in an hour. */
export const HOUR_MS = 3_600_000;

/** Offsets and local days of one time zone. */
export interface Calendar {
  readonly timeZone: string;
  /** Local minus UTC in ms at the UTC instant `t`. */
  offsetAt(t: number): number;
  /** UTC ms at which local day `localDay` (days since 1970-01-01 in local time) starts. */
  localDayStart(localDay: number): number;
  /** Local day number of the UTC instant `t`. */
  localDayOf(t: number): number;
}

/** Creates a {@link Calendar} for an IANA time zone. */
export function createCalendar(timeZone: string): Calendar {
  const days = localDays(timeZone);
  return {
    timeZone,
    offsetAt: days.offsetAt,
    localDayStart: days.startOf,
    localDayOf: days.dayOf,
  };
}

/** Day of week of a local day number: 0 = Sunday .. 6 = Saturday. */
export function weekday(localDay: number): number {
  // 1970-01-01 was a Thursday.
  return (((localDay + 4) % 7) + 7) % 7;
}

/** Day of year (0-based, fractional) of a UTC instant (civil-from-days arithmetic, no Date object). */
export function dayOfYear(t: number): number {
  // Howard Hinnant's civil_from_days, year part only.
  const z = Math.floor(t / DAY_MS) + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doyMar = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const month =
    Math.floor((5 * doyMar + 2) / 153) < 10
      ? Math.floor((5 * doyMar + 2) / 153) + 3
      : Math.floor((5 * doyMar + 2) / 153) - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return (t - Date.UTC(year, 0, 1)) / DAY_MS;
}
