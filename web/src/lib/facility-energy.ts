/**
 * The facility page's energy charts from hourly rows already labelled with the chosen zone's local
 * hours (`YYYY-MM-DDTHH`): the last 14 days as bars and the last 28 days as an hour-by-day grid.
 */
import { type LabelledEnergy, addDays, energyByLabel, heatGrid } from './periods.ts';

/** One bar per local day for the 14 days ending on `today` (`YYYY-MM-DD`); NaN for a day without rows. */
export function lastDaysBars(
  hours: LabelledEnergy[],
  today: string,
): { categories: string[]; series: { label: string; values: number[]; color: string }[] } {
  const labels = Array.from({ length: 14 }, (_, i) => addDays(today, i - 13));
  const by = energyByLabel(hours.map((h) => ({ label: h.label.slice(0, 10), energy: h.energy })));
  return {
    categories: labels.map((l) => l.slice(5)),
    series: [{ label: 'Energy', values: labels.map((l) => by.get(l) ?? NaN), color: 'var(--chart-1)' }],
  };
}

/** The hour-by-day grid of the 28 days ending on `today`. */
export function recentHeatGrid(hours: LabelledEnergy[], today: string): ReturnType<typeof heatGrid> {
  const from = addDays(today, -27);
  return heatGrid(hours.filter((h) => h.label.slice(0, 10) >= from));
}
