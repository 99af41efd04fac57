/**
 * Calendar helpers for the energy views: grouping local day labels (`YYYY-MM-DD`) into ISO weeks and
 * months, and the default start of a view. Labels come from the batch layer, already in the facility's
 * time zone, so grouping by label is daylight-saving safe. The arithmetic is the time module's.
 */
import { dayLabel, dayNumber, type LocalDays, weekStart } from '../util/time/index.ts';

/** Periods the energy view groups days into. */
export const ENERGY_PERIODS = ['day', 'week', 'month'] as const;
/** An energy view period. */
export type EnergyPeriod = (typeof ENERGY_PERIODS)[number];

/** The group label of a local day: itself, the Monday of its ISO week, or `YYYY-MM`. */
export function groupLabel(label: string, period: EnergyPeriod): string {
  if (period === 'day') return label;
  if (period === 'month') return label.slice(0, 7);
  return weekStart(label);
}

/** How far back the energy view looks when `from` is not given: 30 days, 12 ISO weeks or 12 months. */
export const DEFAULT_ENERGY_SPAN = {
  day: '30 local days',
  week: '12 ISO weeks',
  month: '12 months',
} as const;

/**
 * The default start of the energy view ending at `to`: local midnight of the first of the last 30
 * local days, of the Monday 11 weeks before the week of `to`, or of the first day of the month 11
 * months before that of `to`, so that whole periods are compared.
 */
export function defaultEnergyFrom(
  to: number,
  period: EnergyPeriod,
  days: Pick<LocalDays, 'dayOf' | 'startOf'>,
): number {
  const last = days.dayOf(to - 1);
  if (period === 'day') return days.startOf(last - 29);
  const label = dayLabel(last);
  if (period === 'week') return days.startOf(dayNumber(weekStart(label)) - 77);
  const [y, m] = label.split('-').map(Number) as [number, number];
  return days.startOf(Date.UTC(y, m - 12, 1) / 86_400_000);
}
