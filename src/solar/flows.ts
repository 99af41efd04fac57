/**
 * A site's energy flows per local hour, summed to days and months: grid import and export, PV
 * generation, battery charge and discharge, and what follows from them, split the way Home
 * Assistant's energy dashboard splits them. Every hour is settled on its own (PV serves the home
 * first, then the battery, then the grid), then hours are added up, so the day and month figures are
 * sums of hourly settlements, never a settlement of sums.
 *
 * A signed grid channel (`net`) is netted per hour: an hour with positive energy imported that much,
 * one with negative energy exported it. Meters that register import and export separately are more
 * exact (they net per measuring period, seconds to minutes).
 */
import type { RollupRow } from '../store/ports/rollups.ts';
import type { FlowRole } from './roles.ts';

/** Grouping of the hourly figures. */
export const FLOW_PERIODS = ['hour', 'day', 'month'] as const;
/** A grouping of the hourly figures. */
export type FlowPeriod = (typeof FLOW_PERIODS)[number];

/** The measured flows of one bucket, Wh. */
export interface MeasuredFlows {
  gridImport: number;
  gridExport: number;
  pv: number;
  batteryCharge: number;
  batteryDischarge: number;
}

/** Measured and derived flows of one bucket, Wh; ratios 0..1 or null where undefined. */
export interface FlowFigures extends MeasuredFlows {
  /** What the site used: import - export + pv + discharge - charge. */
  consumption: number;
  /** Import - export: what the meter nets to. */
  net: number;
  solarToHome: number;
  solarToBattery: number;
  solarToGrid: number;
  gridToHome: number;
  gridToBattery: number;
  batteryToHome: number;
  batteryToGrid: number;
  /** PV used on site (directly or stored): pv - solarToGrid. */
  selfConsumed: number;
  /** Share of the PV used on site; null without PV. */
  selfConsumption: number | null;
  /** Share of the consumption met on site (PV and battery); null without consumption. */
  selfSufficiency: number | null;
}

/** One bucket of {@link energyFlows}. */
export interface FlowBucket extends FlowFigures {
  /** Local `YYYY-MM-DDTHH`, `YYYY-MM-DD` or `YYYY-MM`. */
  label: string;
  /** UTC ms of the bucket's first hour. */
  start: number;
}

const ZERO: MeasuredFlows = { gridImport: 0, gridExport: 0, pv: 0, batteryCharge: 0, batteryDischarge: 0 };

/**
 * Splits one hour's measured flows the way energy dashboards do: PV goes to the home first, then to
 * the battery, then to the grid; what the battery takes beyond the PV came from the grid; what is
 * exported beyond the PV came from the battery.
 */
export function settleHour(m: MeasuredFlows): FlowFigures {
  const pos = (x: number) => (x > 0 ? x : 0);
  const solarToGrid = Math.min(m.gridExport, m.pv);
  const solarToBattery = Math.min(m.batteryCharge, pos(m.pv - solarToGrid));
  const solarToHome = pos(m.pv - solarToGrid - solarToBattery);
  const gridToBattery = pos(m.batteryCharge - solarToBattery);
  const batteryToGrid = pos(m.gridExport - solarToGrid);
  const gridToHome = pos(m.gridImport - gridToBattery);
  const batteryToHome = pos(m.batteryDischarge - batteryToGrid);
  return withRatios({
    ...m,
    consumption: solarToHome + gridToHome + batteryToHome,
    net: m.gridImport - m.gridExport,
    solarToHome,
    solarToBattery,
    solarToGrid,
    gridToHome,
    gridToBattery,
    batteryToHome,
    batteryToGrid,
    selfConsumed: m.pv - solarToGrid,
    selfConsumption: null,
    selfSufficiency: null,
  });
}

function withRatios(f: FlowFigures): FlowFigures {
  return {
    ...f,
    selfConsumption: f.pv > 0 ? f.selfConsumed / f.pv : null,
    selfSufficiency: f.consumption > 0 ? (f.consumption - f.gridToHome) / f.consumption : null,
  };
}

/** The energy figures of a flow bucket that add up (the ratios are derived from them). */
export const FLOW_FIGURE_KEYS = [
  'gridImport',
  'gridExport',
  'pv',
  'batteryCharge',
  'batteryDischarge',
  'consumption',
  'net',
  'solarToHome',
  'solarToBattery',
  'solarToGrid',
  'gridToHome',
  'gridToBattery',
  'batteryToHome',
  'batteryToGrid',
  'selfConsumed',
] as const;

/** Adds figures (ratios recomputed from the sums). */
export function addFigures(list: readonly FlowFigures[]): FlowFigures {
  const sum = { ...settleHour(ZERO) };
  for (const f of list) for (const k of FLOW_FIGURE_KEYS) sum[k] += f[k];
  return withRatios(sum);
}

/** Which flow each source channel carries (channel id -> role). */
export type SourceRoles = ReadonlyMap<string, FlowRole>;

/**
 * The flows per bucket from channel-level hourly rollup rows (rows of other channels are ignored),
 * in time order. Hours that no source channel covered are left out.
 */
export function energyFlows(
  hours: readonly RollupRow[],
  roles: SourceRoles,
  period: FlowPeriod,
): FlowBucket[] {
  const perHour = new Map<number, { label: string; m: MeasuredFlows }>();
  for (const r of hours) {
    const role = roles.get(r.key);
    if (!role) continue;
    const h = perHour.get(r.start) ?? { label: r.label, m: { ...ZERO } };
    const e = r.energy;
    if (role === 'import') h.m.gridImport += e;
    else if (role === 'export') h.m.gridExport += Math.abs(e);
    else if (role === 'net') {
      if (e > 0) h.m.gridImport += e;
      else h.m.gridExport -= e;
    } else if (role === 'pv') h.m.pv += Math.abs(e);
    else if (role === 'battery_charge') h.m.batteryCharge += Math.abs(e);
    else h.m.batteryDischarge += Math.abs(e);
    perHour.set(r.start, h);
  }
  const cut = period === 'hour' ? 13 : period === 'day' ? 10 : 7;
  const buckets = new Map<string, { start: number; figures: FlowFigures[] }>();
  for (const [start, h] of [...perHour].sort((a, b) => a[0] - b[0])) {
    const label = h.label.slice(0, cut);
    const b = buckets.get(label) ?? { start, figures: [] };
    b.figures.push(settleHour(h.m));
    buckets.set(label, b);
  }
  return [...buckets].map(([label, b]) => ({ label, start: b.start, ...addFigures(b.figures) }));
}
