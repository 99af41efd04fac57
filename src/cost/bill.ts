/**
 * The bill of one meter: its hourly energy priced by the versions of its tariff, in the facility's
 * local time. Energy charges per hour (flat, time-of-use, or tiered blocks of the billing month),
 * standing charges per local day, demand charges per billing month. A billing month is the local
 * calendar month; when a tariff version ends inside it, each version bills its part of the month (a
 * segment), with tier blocks and the demand charge prorated by the segment's share of the month's days.
 * Amounts keep full precision; rounding to cents is for display.
 */
import type { IntensityLookup } from './intensity.ts';
import { daysBetween, daysInMonth, localMidnightFn, nextMonthStart } from './local-time.ts';
import { inWindow, validOn, type Tariff } from './tariff.ts';
import { unitFactor } from './units.ts';

/** One hour of a meter (as served by the rollups at meter level). */
export interface MeterHour {
  /** UTC ms of the local hour's start. */
  start: number;
  /** Local `YYYY-MM-DDTHH`. */
  label: string;
  /** Energy in the stored unit (Wh for electricity). */
  energy: number;
  /** Time-weighted mean power, W (electricity); null when unknown. */
  meanPower: number | null;
}

/** A priced hour. */
export interface CostHour {
  start: number;
  label: string;
  /** Energy in the tariff's price unit. */
  energy: number;
  /** Energy charge. */
  cost: number;
  /**
   * Price per unit in this hour: the hour's charge over its energy (tiers: the blocks it spanned; the
   * block reached when it used nothing). A sub-meter's energy in the hour costs this much per unit.
   */
  rate: number;
  /** kg CO2, or null when the tariff names no region or factor (or the region has no value). */
  co2: number | null;
  /** kg CO2 per unit in this hour (what a sub-meter's energy emits), or null as `co2`. */
  co2Rate: number | null;
}

/** A priced local day or month. */
export interface CostPeriod {
  start: number;
  /** `YYYY-MM-DD` or `YYYY-MM`. */
  label: string;
  energy: number;
  energyCost: number;
  standing: number;
  demand: number;
  /** Highest hourly mean demand, kW (months of tariffs with a demand charge), else null. */
  demandKw: number | null;
  /** energyCost + standing + demand. */
  cost: number;
  co2: number | null;
}

/** A meter's bill over the hours given. */
export interface Bill {
  currency: string;
  unit: string;
  hours: CostHour[];
  days: CostPeriod[];
  months: CostPeriod[];
  /** Why some hours were not priced (no version valid that day, units that do not convert). */
  warnings: string[];
}

/** What a bill needs besides the hours. */
export interface BillContext {
  /** Every version of the meter's tariff. */
  tariffs: readonly Tariff[];
  /** The unit the hours' energy is in (Wh, m3, L, ...). */
  storedUnit: string;
  timeZone: string;
  intensity: IntensityLookup;
}

interface Segment {
  month: string;
  tariff: Tariff;
  /** Share of the month's days in this version. */
  share: number;
  hours: { h: MeterHour; date: string; hour: number; energy: number }[];
}

/** Prices a meter's hours (sorted by start). */
export function computeBill(hours: readonly MeterHour[], ctx: BillContext): Bill {
  const first = ctx.tariffs[0];
  const bill: Bill = {
    currency: first?.currency ?? '',
    unit: first?.unit ?? '',
    hours: [],
    days: [],
    months: [],
    warnings: [],
  };
  if (!first) return bill;
  const factor = unitFactor(ctx.storedUnit, first.unit);
  if (factor === undefined) {
    bill.warnings.push(`energy in ${ctx.storedUnit} cannot be priced per ${first.unit} ('${first.name}')`);
    return bill;
  }
  const segments = segmentHours(hours, ctx.tariffs, factor, bill.warnings);
  const midnight = localMidnightFn(ctx.timeZone);
  const days = new Map<string, CostPeriod>();
  const months = new Map<string, CostPeriod>();
  const period = (map: Map<string, CostPeriod>, label: string, start: number): CostPeriod => {
    let p = map.get(label);
    if (!p) {
      p = {
        start,
        label,
        energy: 0,
        energyCost: 0,
        standing: 0,
        demand: 0,
        demandKw: null,
        cost: 0,
        co2: null,
      };
      map.set(label, p);
    }
    return p;
  };
  for (const seg of segments) {
    const priced = priceSegment(seg);
    const month = period(months, seg.month, midnight(`${seg.month}-01`));
    seg.hours.forEach((x, i) => {
      const { cost, rate } = priced[i]!;
      const co2Rate = co2PerUnit(seg.tariff, x.date, x.hour, ctx.intensity);
      const co2 = co2Rate === null ? null : x.energy * co2Rate;
      bill.hours.push({ start: x.h.start, label: x.h.label, energy: x.energy, cost, rate, co2, co2Rate });
      for (const p of [period(days, x.date, midnight(x.date)), month]) {
        p.energy += x.energy;
        p.energyCost += cost;
        if (co2 !== null) p.co2 = (p.co2 ?? 0) + co2;
      }
    });
    for (const date of new Set(seg.hours.map((x) => x.date))) {
      const day = period(days, date, midnight(date));
      day.standing += seg.tariff.standingPerDay;
      month.standing += seg.tariff.standingPerDay;
    }
    const demand = demandOf(seg);
    if (demand) {
      month.demand += demand.cost;
      month.demandKw = Math.max(month.demandKw ?? 0, demand.kw);
    }
  }
  for (const p of [...days.values(), ...months.values()]) p.cost = p.energyCost + p.standing + p.demand;
  bill.hours.sort((a, b) => a.start - b.start);
  bill.days = [...days.values()].sort((a, b) => a.start - b.start);
  bill.months = [...months.values()].sort((a, b) => a.start - b.start);
  return bill;
}

/** Groups hours by billing month and the tariff version valid on their local date. */
function segmentHours(
  hours: readonly MeterHour[],
  tariffs: readonly Tariff[],
  factor: number,
  warnings: string[],
) {
  const segments = new Map<string, Segment>();
  const unpriced = new Set<string>();
  for (const h of hours) {
    const date = h.label.slice(0, 10);
    const tariff = tariffs.find((t) => validOn(t, date));
    if (!tariff) {
      unpriced.add(date);
      continue;
    }
    const month = date.slice(0, 7);
    const key = `${month}|${tariff.validFrom}`;
    let seg = segments.get(key);
    if (!seg) {
      const from = tariff.validFrom > `${month}-01` ? tariff.validFrom : `${month}-01`;
      const end = nextMonthStart(month);
      const to = tariff.validTo !== undefined && tariff.validTo < end ? tariff.validTo : end;
      seg = { month, tariff, share: daysBetween(from, to) / daysInMonth(month), hours: [] };
      segments.set(key, seg);
    }
    seg.hours.push({ h, date, hour: Number(h.label.slice(11, 13)), energy: h.energy * factor });
  }
  if (unpriced.size) {
    const list = [...unpriced].sort();
    warnings.push(
      `no version of '${tariffs[0]?.name}' is valid on ${list.length} day(s) (${list[0]} to ${list[list.length - 1]}); their energy is not priced`,
    );
  }
  return [...segments.values()];
}

/** The energy charge and marginal rate of each hour of a segment. */
function priceSegment(seg: Segment): { cost: number; rate: number }[] {
  const e = seg.tariff.energy;
  if (e.kind === 'flat') return seg.hours.map((x) => ({ cost: x.energy * e.rate, rate: e.rate }));
  if (e.kind === 'tou')
    return seg.hours.map((x) => {
      const rate = e.periods.find((p) => inWindow(p, x.date, x.hour))?.rate ?? e.otherwise;
      return { cost: x.energy * rate, rate };
    });
  // Tiers: blocks of the month's running total, in hour order, each block's size prorated to the segment.
  const bounds = e.tiers.map((t) => (t.upTo === undefined ? Infinity : t.upTo * seg.share));
  let used = 0;
  return seg.hours.map((x) => {
    let left = x.energy;
    let cost = 0;
    let tier = bounds.findIndex((b) => used < b);
    while (left > 0) {
      const room = (bounds[tier] as number) - used;
      const take = Math.min(left, room);
      cost += take * (e.tiers[tier]?.rate ?? 0);
      used += take;
      left -= take;
      if (left > 0) tier++;
    }
    tier = bounds.findIndex((b) => used < b);
    const marginal = x.energy > 0 ? cost / x.energy : (e.tiers[tier]?.rate ?? 0);
    return { cost, rate: marginal };
  });
}

/** The segment's demand charge: its highest hourly mean kW (in the window) x rate x its share of the month. */
function demandOf(seg: Segment): { kw: number; cost: number } | undefined {
  const d = seg.tariff.demand;
  if (!d) return undefined;
  let kw = 0;
  for (const x of seg.hours) {
    if (d.window && !inWindow(d.window, x.date, x.hour)) continue;
    // Mean power over the covered part of the hour; energy per hour (kWh in one hour = kW) when unknown.
    const w = x.h.meanPower ?? x.h.energy;
    kw = Math.max(kw, w / 1000);
  }
  return { kw, cost: kw * d.rate * seg.share };
}

/** kg CO2 per price unit: the tariff's own factor, else its region's g/kWh of the local month and hour. */
function co2PerUnit(t: Tariff, date: string, hour: number, intensity: IntensityLookup): number | null {
  if (t.co2PerUnit !== undefined) return t.co2PerUnit;
  if (t.region === undefined || t.commodity !== 'electricity') return null;
  const g = intensity(t.region, Number(date.slice(5, 7)), hour);
  return g === undefined ? null : g / 1000;
}
