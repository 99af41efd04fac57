/**
 * The batch layer's cost step: prices meters' hourly rollups with their tariffs and stores cost and
 * CO2 per hour, local day and month, per meter and per channel. A meter's tariff is the version set
 * of the name it carries (`meters.tariff`), else its organisation's default for the commodity.
 * Tiers and demand charges depend on the whole billing month, so a change reprices from the start of
 * the local month it falls in. Sub-meter channels are priced at their meter's price and CO2 per unit
 * of the same hour; fixed charges (standing, demand) belong to the meter only.
 */
import type { Channel, Facility, Meter } from '../domain/types.ts';
import type { ChangedRange } from '../store/ports/rollups.ts';
import type { CostRow, StoredTariff } from '../store/ports/tariffs.ts';
import type { StorePort } from '../store/store.ts';
import { localDays } from '../util/time/index.ts';
import { computeBill, type Bill, type CostPeriod as BillPeriod } from './bill.ts';
import { intensityLookup, type IntensityLookup } from './intensity.ts';
import { tariffSchema, type Tariff } from './tariff.ts';
import { unitFactor } from './units.ts';

/** What one pricing run did. */
export interface PricingSummary {
  /** Meters priced (with at least one hour of energy in scope). */
  meters: number;
  /** Meters with no tariff (no name and no default, or a name the organisation has no prices for). */
  unpriced: number;
  /** Cost rows written. */
  rows: number;
  /** Problems worth telling the user (unknown tariff names, unpriced days, units that do not convert). */
  warnings: string[];
}

/** Which meters to price: all, those of some organisations, or those whose channels changed. */
export type PricingScope = 'all' | { orgIds: string[] } | ChangedRange[];

/** The store as pricing calls it. */
export type PricingStore = StorePort<'catalog', 'listFacilities' | 'listMeters' | 'listChannels'> &
  StorePort<'rollups', 'listRollups'> &
  StorePort<'tariffs', 'listTariffs' | 'listIntensity' | 'replaceCosts'>;

const ALL_ROWS = 100_000_000;

/** Prices the meters in scope and stores their cost rows. */
export async function priceMeters(store: PricingStore, scope: PricingScope): Promise<PricingSummary> {
  const summary: PricingSummary = { meters: 0, unpriced: 0, rows: 0, warnings: [] };
  const targets = await meterTargets(store, scope);
  const byOrg = new Map<string, Target[]>();
  for (const t of targets) byOrg.set(t.facility.orgId, [...(byOrg.get(t.facility.orgId) ?? []), t]);
  for (const [orgId, list] of byOrg) {
    const prices = await orgPrices(store, orgId, summary.warnings);
    for (const target of list) {
      const tariffs = tariffsOf(target.meter, prices.tariffs);
      if (!tariffs.length) {
        summary.unpriced++;
        if (target.meter.tariff && !prices.warned.has(target.meter.tariff)) {
          prices.warned.add(target.meter.tariff);
          summary.warnings.push(
            `${orgId}: no prices for tariff '${target.meter.tariff}' (meter ${target.meter.id})`,
          );
        }
        continue;
      }
      const rows = await priceMeter(store, target, tariffs, prices.intensity, summary.warnings);
      await store.tariffs.replaceCosts(
        { meterIds: [target.meter.id], ...(target.from === undefined ? {} : { from: target.from }) },
        rows,
      );
      if (rows.length) summary.meters++;
      summary.rows += rows.length;
    }
  }
  return summary;
}

interface Target {
  meter: Meter;
  facility: Facility;
  /** Reprice from here (a local month start), or everything. */
  from?: number;
}

async function meterTargets(store: PricingStore, scope: PricingScope): Promise<Target[]> {
  const facilities = new Map((await store.catalog.listFacilities()).map((f) => [f.id, f]));
  const meters = await store.catalog.listMeters();
  const withFacility = (m: Meter) => {
    const facility = facilities.get(m.facilityId);
    return facility ? { meter: m, facility } : undefined;
  };
  if (scope === 'all' || !Array.isArray(scope)) {
    const orgs = scope === 'all' ? undefined : new Set(scope.orgIds);
    return meters
      .map(withFacility)
      .filter((t): t is Target => t !== undefined && (!orgs || orgs.has(t.facility.orgId)));
  }
  if (scope.length === 0) return [];
  const channels = new Map((await store.catalog.listChannels()).map((c) => [c.id, c]));
  const earliest = new Map<string, number>();
  for (const ch of scope) {
    const meterId = channels.get(ch.channelId)?.meterId;
    if (meterId) earliest.set(meterId, Math.min(earliest.get(meterId) ?? Infinity, ch.from));
  }
  const out: Target[] = [];
  for (const m of meters) {
    const from = earliest.get(m.id);
    const t = from === undefined ? undefined : withFacility(m);
    // A day before the change: the rollups widen a change by the neighbour sample at the day boundary.
    if (t && from !== undefined) out.push({ ...t, from: monthStart(t.facility.timeZone, from - 86_400_000) });
  }
  return out;
}

/** UTC ms of the start of the local month holding `ts`. */
function monthStart(timeZone: string, ts: number): number {
  const days = localDays(timeZone);
  return days.startOfDate(`${days.dateOf(ts).slice(0, 7)}-01`);
}

interface OrgPrices {
  tariffs: Tariff[];
  intensity: IntensityLookup;
  warned: Set<string>;
}

async function orgPrices(store: PricingStore, orgId: string, warnings: string[]): Promise<OrgPrices> {
  const tariffs: Tariff[] = [];
  for (const stored of await store.tariffs.listTariffs(orgId)) {
    const t = parseStored(stored);
    if (t) tariffs.push(t);
    else
      warnings.push(
        `${orgId}: stored tariff '${stored.name}' from ${stored.validFrom} is no longer valid; import it again`,
      );
  }
  return { tariffs, intensity: intensityLookup(await store.tariffs.listIntensity(orgId)), warned: new Set() };
}

function parseStored(stored: StoredTariff): Tariff | undefined {
  const r = tariffSchema.safeParse(stored.definition);
  return r.success ? r.data : undefined;
}

/** The versions of a meter's tariff: its own name's (same commodity), else the commodity's default. */
function tariffsOf(meter: Meter, tariffs: readonly Tariff[]): Tariff[] {
  const named = meter.tariff
    ? tariffs.filter((t) => t.name === meter.tariff && t.commodity === meter.serviceType)
    : [];
  if (named.length || meter.tariff) return named;
  const def = tariffs.find((t) => t.default && t.commodity === meter.serviceType);
  return def ? tariffs.filter((t) => t.name === def.name && t.commodity === meter.serviceType) : [];
}

async function priceMeter(
  store: PricingStore,
  target: Target,
  tariffs: Tariff[],
  intensity: IntensityLookup,
  warnings: string[],
): Promise<CostRow[]> {
  const { meter, facility } = target;
  const range = {
    meterId: meter.id,
    period: 'hour' as const,
    limit: ALL_ROWS,
    ...(target.from === undefined ? {} : { from: target.from }),
  };
  const hours = await store.rollups.listRollups({ ...range, level: 'meter' });
  if (hours.length === 0) return [];
  const storedUnit = hours[0]!.unit;
  const bill = computeBill(hours, { tariffs, storedUnit, timeZone: facility.timeZone, intensity });
  for (const w of bill.warnings) warnings.push(`meter ${meter.id}: ${w}`);
  const common = {
    meterId: meter.id,
    commodity: meter.serviceType,
    currency: bill.currency,
    unit: bill.unit,
  };
  const rows: CostRow[] = [];
  for (const h of bill.hours)
    rows.push({
      ...common,
      level: 'meter',
      key: meter.id,
      period: 'hour',
      start: h.start,
      label: h.label,
      energy: h.energy,
      energyCost: h.cost,
      standing: 0,
      demand: 0,
      demandKw: null,
      cost: h.cost,
      co2: h.co2,
    });
  const periodRow = (period: 'day' | 'month', p: BillPeriod): CostRow => ({
    ...common,
    level: 'meter',
    key: meter.id,
    period,
    ...p,
  });
  for (const d of bill.days) rows.push(periodRow('day', d));
  for (const m of bill.months) rows.push(periodRow('month', m));
  const channels = await store.catalog.listChannels({ meterId: meter.id });
  // Not push(...rows): a long history has more channel rows than a call may take arguments.
  for (const r of await channelRows(store, target, channels, bill, storedUnit)) rows.push(r);
  return rows;
}

/** Each channel's hours at its meter's price and CO2 per unit of the hour, summed to days and months. */
async function channelRows(
  store: PricingStore,
  target: Target,
  channels: Channel[],
  bill: Bill,
  storedUnit: string,
): Promise<CostRow[]> {
  const factor = unitFactor(storedUnit, bill.unit) ?? 0;
  const priced = new Map(bill.hours.map((h) => [h.start, h]));
  const dayStart = new Map(bill.days.map((d) => [d.label, d.start]));
  const monthStartOf = new Map(bill.months.map((m) => [m.label, m.start]));
  const names = new Set(channels.map((c) => c.id));
  const hours = await store.rollups.listRollups({
    level: 'channel',
    period: 'hour',
    meterId: target.meter.id,
    limit: ALL_ROWS,
    ...(target.from === undefined ? {} : { from: target.from }),
  });
  const common = {
    level: 'channel' as const,
    meterId: target.meter.id,
    commodity: target.meter.serviceType,
    currency: bill.currency,
    unit: bill.unit,
    standing: 0,
    demand: 0,
    demandKw: null,
  };
  const rows: CostRow[] = [];
  const sums = new Map<string, CostRow>();
  const add = (
    key: string,
    period: 'day' | 'month',
    label: string,
    start: number | undefined,
    e: number,
    c: number,
    co2: number | null,
  ) => {
    if (start === undefined) return;
    const id = `${key}|${period}|${label}`;
    let s = sums.get(id);
    if (!s) {
      s = { ...common, key, period, start, label, energy: 0, energyCost: 0, cost: 0, co2: null };
      sums.set(id, s);
    }
    s.energy += e;
    s.energyCost += c;
    s.cost += c;
    if (co2 !== null) s.co2 = (s.co2 ?? 0) + co2;
  };
  for (const r of hours) {
    const p = priced.get(r.start);
    if (!p || !names.has(r.key)) continue;
    const energy = r.energy * factor;
    const cost = energy * p.rate;
    const co2 = p.co2Rate === null ? null : energy * p.co2Rate;
    rows.push({
      ...common,
      key: r.key,
      period: 'hour',
      start: r.start,
      label: r.label,
      energy,
      energyCost: cost,
      cost,
      co2,
    });
    const day = r.label.slice(0, 10);
    add(r.key, 'day', day, dayStart.get(day), energy, cost, co2);
    add(r.key, 'month', day.slice(0, 7), monthStartOf.get(day.slice(0, 7)), energy, cost, co2);
  }
  return [...rows, ...sums.values()];
}
