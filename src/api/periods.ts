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
