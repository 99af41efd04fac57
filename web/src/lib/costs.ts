/**
 * Cost and CO2 rows for the pages: summed over commodities per label, the usage and carbon series the
 * same-time comparisons take, money in the tariff's currency, and monthly bills per commodity.
 */
import type { CostRow } from '../api/costs.ts';
import type { LabelledEnergy } from './periods.ts';

/** Which figure of a row: usage charges (what the comparisons use), the whole cost, or kg CO2. */
export type CostFigure = 'energyCost' | 'cost' | 'co2';

/** One figure summed over commodities (and facilities) per label, as the comparisons take it. */
export function byLabel(rows: readonly CostRow[], figure: CostFigure): LabelledEnergy[] {
  const m = new Map<string, number>();
  for (const r of rows) m.set(r.label, (m.get(r.label) ?? 0) + (r[figure] ?? 0));
  return [...m].map(([label, energy]) => ({ label, energy }));
}

/** One figure summed per hour start, for the partial day of a comparison. */
export function byStart(rows: readonly CostRow[], figure: CostFigure): { start: number; energy: number }[] {
  const m = new Map<number, number>();
  for (const r of rows) m.set(r.start, (m.get(r.start) ?? 0) + (r[figure] ?? 0));
  return [...m].map(([start, energy]) => ({ start, energy }));
}

/** The currency of the rows (the first; tariffs of one organisation share one in practice). */
export function currencyOf(rows: readonly CostRow[]): string | undefined {
  return rows[0]?.currency;
}

/** Money, e.g. `$12.34` or `€1,234.50`; `–` when unknown. */
export function fmtMoney(v: number | null | undefined, currency: string | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v) || !currency) return '–';
  return new Intl.NumberFormat('en-US', { style: 'currency', currency, maximumFractionDigits: 2 }).format(v);
}

/** Kilograms of CO2, as `kg` below a tonne and `t` above. */
export function fmtCo2(kg: number | null | undefined): string {
  if (kg === null || kg === undefined || !Number.isFinite(kg)) return '–';
  return Math.abs(kg) >= 1000 ? `${(kg / 1000).toFixed(2)} t CO₂` : `${kg.toFixed(1)} kg CO₂`;
}

/** One month's bill: cost per commodity, fixed charges, total and CO2. */
export interface MonthBill {
  label: string;
  byCommodity: Record<string, number>;
  fixed: number;
  total: number;
  co2: number | null;
}

/** Monthly bills from month rows, newest first. */
export function monthBills(rows: readonly CostRow[]): MonthBill[] {
  const m = new Map<string, MonthBill>();
  for (const r of rows) {
    const b = m.get(r.label) ?? { label: r.label, byCommodity: {}, fixed: 0, total: 0, co2: null };
    b.byCommodity[r.commodity] = (b.byCommodity[r.commodity] ?? 0) + r.energyCost;
    b.fixed += r.standing + r.demand;
    b.total += r.cost;
    if (r.co2 !== null) b.co2 = (b.co2 ?? 0) + r.co2;
    m.set(r.label, b);
  }
  return [...m.values()].sort((a, b) => b.label.localeCompare(a.label));
}

/** Cost, CO2 and currency of one zip code and commodity over a span. */
export interface ZipCost {
  cost: number;
  co2: number | null;
  currency: string;
}

/**
 * Zip-code rows summed over the span per zip code and commodity (`10001|electricity`); CO2 stays null
 * while no row of the zip code has a profile.
 */
export function zipCosts(rows: readonly CostRow[]): Map<string, ZipCost> {
  const out = new Map<string, ZipCost>();
  for (const r of rows) {
    const k = `${r.key}|${r.commodity}`;
    const e = out.get(k) ?? { cost: 0, co2: null, currency: r.currency };
    e.cost += r.cost;
    if (r.co2 !== null) e.co2 = (e.co2 ?? 0) + r.co2;
    out.set(k, e);
  }
  return out;
}
