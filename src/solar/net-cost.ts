/**
 * Net cost of a facility's grid connection: what its imports cost (the cost feature's priced hours of
 * each grid meter) less what its exports earn (the hour's export x the `exportRate` of the meter's
 * tariff version valid on that local date). Hours are grouped into buckets by their local label, as
 * the energy flows are.
 */
import { tariffSchema, type Tariff, validOn } from '../cost/tariff.ts';
import type { Meter } from '../domain/types.ts';
import type { RollupRow } from '../store/ports/rollups.ts';
import type { CostServed, StoredTariff } from '../store/ports/tariffs.ts';
import type { FlowPeriod } from './flows.ts';
import type { FlowRole } from './roles.ts';

/** Import cost, export credit and their difference, in one currency. */
export interface NetCost {
  currency: string;
  importCost: number;
  exportCredit: number;
  /** importCost - exportCredit. */
  net: number;
}

/** What {@link netCost} needs: the facility's grid meters, their priced hours, tariffs and hourly rollups. */
export interface NetCostInputs {
  meters: readonly Meter[];
  /** Meter-level hourly cost rows of the range (from the cost feature). */
  costHours: readonly CostServed[];
  /** The organisation's stored tariff versions. */
  tariffs: readonly StoredTariff[];
  /** Channel-level hourly rollups of the source channels. */
  hours: readonly RollupRow[];
  /** Role and meter of each source channel. */
  sources: ReadonlyMap<string, { role: FlowRole; meterId: string }>;
  period: FlowPeriod;
}

/** The versions of a meter's electricity tariff: its own name's, else the organisation's default. */
function tariffsOf(meter: Meter, all: readonly Tariff[]): Tariff[] {
  const elec = all.filter((t) => t.commodity === 'electricity');
  if (meter.tariff) return elec.filter((t) => t.name === meter.tariff);
  const def = elec.find((t) => t.default);
  return def ? elec.filter((t) => t.name === def.name) : [];
}

/**
 * Net cost per bucket and in total, or undefined when no grid meter of the facility is priced (no
 * tariff loaded) or the priced meters use more than one currency. An import priced at a negative
 * amount (a signed meter priced on its net energy) counts as no import cost.
 */
export function netCost(x: NetCostInputs): { totals: NetCost; buckets: Map<string, NetCost> } | undefined {
  const grid = new Set(
    [...x.sources.values()]
      .filter((s) => s.role !== 'pv' && !s.role.startsWith('battery'))
      .map((s) => s.meterId),
  );
  const priced = x.costHours.filter((r) => grid.has(r.key));
  const currencies = new Set(priced.map((r) => r.currency));
  if (priced.length === 0 || currencies.size !== 1) return undefined;
  const currency = [...currencies][0]!;
  const cut = x.period === 'hour' ? 13 : x.period === 'day' ? 10 : 7;
  const buckets = new Map<string, NetCost>();
  const bucket = (label: string): NetCost => {
    const k = label.slice(0, cut);
    let b = buckets.get(k);
    if (!b) buckets.set(k, (b = { currency, importCost: 0, exportCredit: 0, net: 0 }));
    return b;
  };
  for (const r of priced) bucket(r.label).importCost += Math.max(0, r.energyCost);
  const parsed = x.tariffs.flatMap((s) => {
    const t = tariffSchema.safeParse(s.definition);
    return t.success ? [t.data] : [];
  });
  const versions = new Map(x.meters.map((m) => [m.id, tariffsOf(m, parsed)]));
  for (const r of x.hours) {
    const s = x.sources.get(r.key);
    if (!s || !grid.has(s.meterId)) continue;
    const exportWh =
      s.role === 'export' ? Math.abs(r.energy) : s.role === 'net' && r.energy < 0 ? -r.energy : 0;
    if (exportWh === 0) continue;
    const v = versions.get(s.meterId)?.find((t) => validOn(t, r.label.slice(0, 10)));
    if (!v?.exportRate || v.currency !== currency) continue;
    bucket(r.label).exportCredit += (exportWh / 1000) * v.exportRate;
  }
  const totals: NetCost = { currency, importCost: 0, exportCredit: 0, net: 0 };
  for (const b of buckets.values()) {
    b.net = b.importCost - b.exportCredit;
    totals.importCost += b.importCost;
    totals.exportCredit += b.exportCredit;
  }
  totals.net = totals.importCost - totals.exportCredit;
  return { totals, buckets };
}
