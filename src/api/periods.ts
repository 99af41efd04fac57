/**
 * Calendar helpers for the energy views: grouping local day labels (`YYYY-MM-DD`) into ISO weeks and
 * months, and a facility's local date today. Labels come from the batch layer, already in the
 * facility's time zone, so grouping by label is daylight-saving safe.
 */

/** Periods the energy view groups days into. */
export const ENERGY_PERIODS = ['day', 'week', 'month'] as const;
/** An energy view period. */
export type EnergyPeriod = (typeof ENERGY_PERIODS)[number];

/** The group label of a local day: itself, the Monday of its ISO week, or `YYYY-MM`. */
export function groupLabel(dayLabel: string, period: EnergyPeriod): string {
  if (period === 'day') return dayLabel;
  if (period === 'month') return dayLabel.slice(0, 7);
  const d = new Date(`${dayLabel}T00:00:00Z`);
  const weekday = (d.getUTCDay() + 6) % 7; // Monday = 0
  d.setUTCDate(d.getUTCDate() - weekday);
  return d.toISOString().slice(0, 10);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The local calendar date `YYYY-MM-DD` of `ts` in an IANA time zone. */
export function localDate(ts: number, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f.format(ts);
}

const DAY_MS = 86_400_000;

/** How far back the energy view looks when `from` is not given: 30 days, 12 ISO weeks or 12 months. */
export const DEFAULT_ENERGY_SPAN = {
  day: '30 local days',
  week: '12 ISO weeks',
  month: '12 months',
} as const;

/**
 * The default start of the energy view ending at `to`: local midnight of the first of the last 30
 * local days, of the Monday 11 weeks before the week of `to`, or of the first day of the month 11
 * months before that of `to`, so that whole periods are compared. `days` converts local day numbers.
 */
export function defaultEnergyFrom(
  to: number,
  period: EnergyPeriod,
  days: { dayOf(t: number): number; startOf(day: number): number },
): number {
  const last = days.dayOf(to - 1);
  if (period === 'day') return days.startOf(last - 29);
  const d = new Date(last * DAY_MS);
  if (period === 'week') return days.startOf(last - ((d.getUTCDay() + 6) % 7) - 77);
  return days.startOf(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 11, 1) / DAY_MS);
}
