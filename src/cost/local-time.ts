/**
 * Local calendar arithmetic for bills: the UTC start of a local date, the days of a month. Offsets come
 * from the one offset helper (src/util/zone-offset.ts).
 */
import { zoneOffsetFn } from '../util/zone-offset.ts';

/** A function giving the UTC ms at which a local date `YYYY-MM-DD` begins in `timeZone`. */
export function localMidnightFn(timeZone: string): (date: string) => number {
  const offset = zoneOffsetFn(timeZone);
  const cache = new Map<string, number>();
  return (date) => {
    let t = cache.get(date);
    if (t !== undefined) return t;
    const wall = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
    // Two rounds: the offset at the guess can differ from the offset at the answer near a clock change.
    t = wall - offset(wall);
    t = wall - offset(t);
    cache.set(date, t);
    return t;
  };
}

/** Days in the calendar month `YYYY-MM`. */
export function daysInMonth(month: string): number {
  return new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();
}

/** The first date of the month after `YYYY-MM`, as `YYYY-MM-DD`. */
export function nextMonthStart(month: string): string {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/** Calendar days from date a (inclusive) to date b (exclusive). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}
