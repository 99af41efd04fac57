/**
 * Local calendar arithmetic for bills: the UTC start of a local date, the days of a month. A thin
 * naming layer over the time module (src/util/time), which holds the arithmetic.
 */
import { addMonths, dayNumber, localDays } from '../util/time/index.ts';

export { daysInMonth } from '../util/time/index.ts';

/** A function giving the UTC ms at which a local date `YYYY-MM-DD` begins in `timeZone`. */
export function localMidnightFn(timeZone: string): (date: string) => number {
  return localDays(timeZone).startOfDate;
}

/** The first date of the month after `YYYY-MM`, as `YYYY-MM-DD`. */
export function nextMonthStart(month: string): string {
  return addMonths(`${month}-01`, 1);
}

/** Calendar days from date a (inclusive) to date b (exclusive). */
export function daysBetween(a: string, b: string): number {
  return dayNumber(b) - dayNumber(a);
}
