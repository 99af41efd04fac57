/**
 * What the energy-flow card shows: the spans a user picks (as the facility's local dates, which the
 * solar route reads in the facility's zone), whether a facility has anything to show, and the arrows
 * of the flow diagram with their energy.
 */
import type { SolarResponse } from '../api/types.ts';
import { addDays } from './periods.ts';

/** Spans of the card, with the bucket of their chart. */
export const SOLAR_SPANS = [
  { key: 'today', label: 'Today', period: 'hour' },
  { key: 'week', label: '7 days', period: 'day' },
  { key: 'month', label: '30 days', period: 'day' },
  { key: 'year', label: '12 months', period: 'month' },
] as const;
/** A span of the card. */
export type SolarSpan = (typeof SOLAR_SPANS)[number]['key'];

/** The local dates [from, to) of a span ending with local day `today` (`YYYY-MM-DD`), and its bucket. */
export function solarRange(
  span: SolarSpan,
  today: string,
): { from: string; to: string; period: 'hour' | 'day' | 'month' } {
  const to = addDays(today, 1);
  const def = SOLAR_SPANS.find((s) => s.key === span)!;
  if (span === 'today') return { from: today, to, period: def.period };
  if (span === 'week') return { from: addDays(today, -6), to, period: def.period };
  if (span === 'month') return { from: addDays(today, -29), to, period: def.period };
  const [y, m] = today.split('-').map(Number) as [number, number];
  // The first of the month eleven months back: twelve calendar months with this one.
  const back = y * 12 + (m - 1) - 11;
  const from = `${Math.floor(back / 12)}-${String((back % 12) + 1).padStart(2, '0')}-01`;
  return { from, to, period: def.period };
}

/** True when the facility measures PV, a battery or an export: only then is there a flow to show. */
export function hasFlows(r: Pick<SolarResponse, 'metered'> | undefined): boolean {
  return !!r && (r.metered.pv || r.metered.battery || r.metered.export);
}

/** Nodes of the flow diagram. */
export type FlowNode = 'grid' | 'solar' | 'battery' | 'home';

/** One arrow of the diagram. */
export interface FlowArrow {
  from: FlowNode;
  to: FlowNode;
  /** Energy carried, Wh. */
  energy: number;
}

/**
 * The arrows to draw: every flow between metered nodes; the rarer ones (grid to battery, battery to
 * grid) only when they carried energy.
 */
export function flowArrows(r: Pick<SolarResponse, 'metered' | 'totals'>): FlowArrow[] {
  const t = r.totals;
  const out: FlowArrow[] = [{ from: 'grid', to: 'home', energy: t.gridToHome }];
  if (r.metered.pv) {
    out.push({ from: 'solar', to: 'home', energy: t.solarToHome });
    out.push({ from: 'solar', to: 'grid', energy: t.solarToGrid });
  }
  if (r.metered.battery) {
    out.push({ from: 'battery', to: 'home', energy: t.batteryToHome });
    if (r.metered.pv) out.push({ from: 'solar', to: 'battery', energy: t.solarToBattery });
    if (t.gridToBattery > 0) out.push({ from: 'grid', to: 'battery', energy: t.gridToBattery });
    if (t.batteryToGrid > 0) out.push({ from: 'battery', to: 'grid', energy: t.batteryToGrid });
  }
  // Export metered without PV: what left for the grid came from the home side.
  if (!r.metered.pv && !r.metered.battery && t.gridExport > 0)
    out.push({ from: 'home', to: 'grid', energy: t.gridExport });
  return out;
}
