/**
 * Calendar labels as the rollups write them (local dates `YYYY-MM-DD`, months `YYYY-MM`) and local day
 * numbers (days since 1970-01-01 in local time): pure calendar arithmetic, no zone involved.
 */
import { Temporal } from './temporal.ts';

const DAY = 86_400_000;

/** The label `YYYY-MM-DD` of local day number `day`. */
export function dayLabel(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

/** The local day number of a `YYYY-MM-DD` label (NaN when it is not one). */
export function dayNumber(label: string): number {
  return Date.parse(`${label}T00:00:00Z`) / DAY;
}

/** Shifts a `YYYY-MM-DD` label by whole days. */
export function addDays(label: string, days: number): string {
  return dayLabel(dayNumber(label) + days);
}

/** Shifts a `YYYY-MM-DD` label by whole months, keeping the day or the month's last one (31 Jan + 1 = 28/29 Feb). */
export function addMonths(label: string, months: number): string {
  return Temporal.PlainDate.from(label).add({ months }).toString();
}

/** The `YYYY-MM` before the given one. */
export function prevMonth(month: string): string {
  return addMonths(`${month}-01`, -1).slice(0, 7);
}

/** Days in month `YYYY-MM`. */
export function daysInMonth(month: string): number {
  return Temporal.PlainYearMonth.from(month).daysInMonth;
}

/** 0 = Monday .. 6 = Sunday, of local day number `day` (1970-01-01 was a Thursday). */
export function isoWeekday(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** The label of the Monday of the ISO week holding `label`. */
export function weekStart(label: string): string {
  const day = dayNumber(label);
  return dayLabel(day - isoWeekday(day));
}
