/**
 * Tariffs, grid-intensity profiles and the costs the batch layer computes from them. Owned by the cost
 * feature: the store keeps a tariff version as its JSON (the feature validates it), profiles as rows,
 * and priced periods per channel and meter; facility and zip code rows are sums of their meters'.
 */
import type { ServiceType } from '../../domain/types.ts';

/** One tariff version of an organisation, as stored. */
export interface StoredTariff {
  orgId: string;
  name: string;
  commodity: ServiceType;
  /** Local date `YYYY-MM-DD` the version starts on. */
  validFrom: string;
  /** Exclusive local date, or null when open-ended. */
  validTo: string | null;
  /** The whole version as written in the tariff file (validated by the cost feature). */
  definition: Record<string, unknown>;
  importedAt: number;
}

/** One value of a grid-intensity profile: g CO2 per kWh in a local hour of the day. */
export interface IntensityRow {
  region: string;
  /** 1-12, or 0 for every month. */
  month: number;
  /** Local hour 0-23. */
  hour: number;
  gPerKwh: number;
}

/** Levels at which costs are served. */
export const COST_LEVELS = ['channel', 'meter', 'facility', 'zip'] as const;
/** A cost level. */
export type CostLevel = (typeof COST_LEVELS)[number];
/** Periods costs are kept for: local hours, days and calendar months. */
export const COST_PERIODS = ['hour', 'day', 'month'] as const;
/** A cost period. */
export type CostPeriod = (typeof COST_PERIODS)[number];

/** One priced period of a channel or meter (as written by the batch layer). */
export interface CostRow {
  level: 'channel' | 'meter';
  /** Channel or meter id. */
  key: string;
  /** The meter the row belongs to (the meter itself at meter level). */
  meterId: string;
  commodity: ServiceType;
  period: CostPeriod;
  /** UTC ms of the local hour, day or month start. */
  start: number;
  /** Local `YYYY-MM-DDTHH`, `YYYY-MM-DD` or `YYYY-MM`. */
  label: string;
  currency: string;
  /** The tariff's price unit (kWh, m3, ccf, ...). */
  unit: string;
  energy: number;
  energyCost: number;
  /** Standing charges (meter level, days and months). */
  standing: number;
  /** Demand charges (meter level, months). */
  demand: number;
  /** Highest hourly mean demand in kW (meter months under a demand charge), else null. */
  demandKw: number | null;
  /** energyCost + standing + demand. */
  cost: number;
  /** kg CO2, null when the tariff gives no way to count it. */
  co2: number | null;
}

/** Filters of {@link TariffRepo.listCosts}; every given field must match. */
export interface CostQuery {
  level: CostLevel;
  period: CostPeriod;
  /** Period start at or after, UTC ms. */
  from?: number;
  /** Period start before, UTC ms. */
  to?: number;
  orgId?: string;
  facilityId?: string;
  facilityIds?: string[];
  meterId?: string;
  channelId?: string;
  zip?: string;
  /** Maximum rows (default 10,000). */
  limit?: number;
}

/** One served cost row: a channel, meter, facility or zip code, per commodity and currency. */
export interface CostServed {
  level: CostLevel;
  key: string;
  commodity: ServiceType;
  period: CostPeriod;
  start: number;
  label: string;
  currency: string;
  unit: string;
  energy: number;
  energyCost: number;
  standing: number;
  demand: number;
  cost: number;
  co2: number | null;
  /** Meters summed into the row (1 at channel and meter level). */
  meters: number;
}

/** Tariffs, profiles and costs. */
export interface TariffRepo {
  /** Stores tariff versions: every version of each name given replaces that name's stored versions in the organisation. */
  putTariffs(tariffs: StoredTariff[]): Promise<void>;
  /** An organisation's tariff versions, by name and start date. */
  listTariffs(orgId: string): Promise<StoredTariff[]>;
  /** Stores profile rows: each region given replaces that region's stored rows in the organisation. */
  putIntensity(orgId: string, rows: IntensityRow[]): Promise<void>;
  /** An organisation's profile rows, by region, month and hour. */
  listIntensity(orgId: string): Promise<IntensityRow[]>;
  /**
   * Replaces the cost rows of some meters (their own and their channels') whose start is at or after
   * `from` (all when absent) by `rows`, in one transaction.
   */
  replaceCosts(scope: { meterIds: string[]; from?: number }, rows: CostRow[]): Promise<void>;
  /** Served costs, ordered by key, commodity and start. */
  listCosts(query: CostQuery): Promise<CostServed[]>;
}
