/**
 * Local days of a zone: the day number of an instant, the instant a day starts (local midnight, or the
 * first instant of the day when a clock change skips midnight), and how long a day is: 24 hours, or 23
 * and 25 on the days clocks change.
 */
import { dayLabel, dayNumber } from './labels.ts';
import { type OffsetAt, zoneOffsets } from './offsets.ts';
import { Temporal } from './temporal.ts';
import { wallInstants } from './wall.ts';

const DAY = 86_400_000;

/** Conversions between UTC instants and the local days of one zone. */
export interface LocalDays {
  readonly zone: string;
  readonly offsetAt: OffsetAt;
  /** Local day number (days since 1970-01-01 in local time) of a UTC instant. */
  dayOf(utc: number): number;
  /** The UTC instant at which local day `day` starts. */
  startOf(day: number): number;
  /** Hours in local day `day`: 24, or 23 / 25 (other values in a few zones) on a clock change. */
  hoursIn(day: number): number;
  /** The local date `YYYY-MM-DD` of a UTC instant. */
  dateOf(utc: number): string;
  /** The UTC instant at which the local date `YYYY-MM-DD` starts. */
  startOfDate(label: string): number;
}

/** The local days of `zone`; build once per zone and keep. Throws RangeError for an unknown zone. */
export function localDays(zone: string): LocalDays {
  const offsetAt = zoneOffsets(zone);
  const dayOf = (utc: number) => Math.floor((utc + offsetAt(utc)) / DAY);
  const startOf = (day: number): number => {
    const w = wallInstants(offsetAt, day * DAY);
    if (!Number.isNaN(w.early)) return w.early;
    // Midnight skipped: the day starts at the change itself.
    return Temporal.PlainDate.from(dayLabel(day)).toZonedDateTime(zone).epochMilliseconds;
  };
  return {
    zone,
    offsetAt,
    dayOf,
    startOf,
    hoursIn: (day) => (startOf(day + 1) - startOf(day)) / 3_600_000,
    dateOf: (utc) => dayLabel(dayOf(utc)),
    startOfDate: (label) => startOf(dayNumber(label)),
  };
}

const memo = new Map<string, LocalDays>();

/** The local date `YYYY-MM-DD` of `utc` in `zone` (the zone's days are kept for the next call). */
export function localDate(utc: number, zone: string): string {
  let days = memo.get(zone);
  if (!days) {
    days = localDays(zone);
    if (memo.size < 1000) memo.set(zone, days);
  }
  return days.dateOf(utc);
}
