/**
 * Calendar labels of rollups (local dates `YYYY-MM-DD`, hours `YYYY-MM-DDTHH`): shifting them, summing
 * energy per label, and the hour-by-day grid of the heat map. Period comparisons cut at the same
 * local time are in comparisons.ts.
 */

/** A rollup row reduced to what the sums need. */
export interface LabelledEnergy {
  label: string;
  energy: number;
}

// Label arithmetic and local dates are the time module's, shared with the server.
export { addDays, localDate, prevMonth } from '../../../src/util/time/index.ts';

/** Sums energy per label (several channels or meters may share a day). */
export function energyByLabel(rows: LabelledEnergy[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rows) m.set(r.label, (m.get(r.label) ?? 0) + r.energy);
  return m;
}

/** The hour-by-day grid: one row per local day (oldest first), 24 columns, NaN where nothing is known. */
export function heatGrid(hourRows: LabelledEnergy[]): { days: string[]; values: Float64Array; max: number } {
  const by = energyByLabel(hourRows);
  const days = [...new Set([...by.keys()].map((l) => l.slice(0, 10)))].sort();
  const values = new Float64Array(days.length * 24).fill(NaN);
  let max = 0;
  days.forEach((d, i) => {
    for (let h = 0; h < 24; h++) {
      const v = by.get(`${d}T${String(h).padStart(2, '0')}`);
      if (v === undefined) continue;
      values[i * 24 + h] = v;
      if (v > max) max = v;
    }
  });
  return { days, values, max };
}

/** The grid from the heat-map route's rows (null cells become NaN). */
export function fromHeatmap(h: { days: string[]; energy: (number | null)[][]; max: number } | undefined): {
  days: string[];
  values: Float64Array;
  max: number;
} {
  if (!h) return { days: [], values: new Float64Array(0), max: 0 };
  const values = new Float64Array(h.days.length * 24).fill(NaN);
  h.energy.forEach((row, i) => row.forEach((v, hour) => (values[i * 24 + hour] = v ?? NaN)));
  return { days: h.days, values, max: h.max };
}
