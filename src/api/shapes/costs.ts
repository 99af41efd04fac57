/**
 * Costs and tariffs as the API takes and answers them (`/api/v1/costs`, `/costs/fleet`, `/costs/zips`,
 * `/tariffs`): a priced row mirrors the store's `CostServed`, a tariff summary the cost feature's
 * `TariffSummary`, both checked at compile time.
 */
import { z } from 'zod';
import { SERVICE_TYPES } from '../../domain/types.ts';
import type { TariffSummary } from '../../cost/describe.ts';
import { COST_LEVELS, COST_PERIODS, type CostServed } from '../../store/ports/tariffs.ts';
import { type Assert, type Same, id, time } from './common.ts';

/** A cost query's range: period starts from `from`, before `to`. */
const range = {
  from: time('start, inclusive (period start)'),
  to: time('end, exclusive'),
};

/** Query of `GET /costs`: one channel, meter or facility. */
export const costsQuery = z.object({
  level: z.enum(['channel', 'meter', 'facility']),
  key: id.describe('the channel, meter or facility id'),
  period: z.enum(COST_PERIODS),
  ...range,
});
/** `GET /costs` as read. */
export type CostsQuery = z.output<typeof costsQuery>;

/** Query of `GET /costs/fleet` and `GET /costs/zips`: every readable facility, per day or month. */
export const fleetCostsQuery = z.object({ period: z.enum(['day', 'month']), ...range });
/** `GET /costs/fleet` and `GET /costs/zips` as read. */
export type FleetCostsQuery = z.output<typeof fleetCostsQuery>;

/** One priced period of a channel, meter, facility or zip code, per commodity and currency. */
export const costRow = z.object({
  level: z.enum(COST_LEVELS),
  key: z.string(),
  commodity: z.enum(SERVICE_TYPES),
  period: z.enum(COST_PERIODS),
  start: z.number().describe('UTC ms of the local hour, day or month start'),
  label: z.string().describe('local YYYY-MM-DDTHH, YYYY-MM-DD or YYYY-MM'),
  currency: z.string(),
  unit: z.string(),
  energy: z.number(),
  energyCost: z.number(),
  standing: z.number(),
  demand: z.number(),
  cost: z.number(),
  co2: z.number().nullable().describe('kg; null without a grid-intensity profile'),
  meters: z.number().describe('meters summed into the row (1 at channel and meter level)'),
});
/** A priced row. */
export type CostRow = z.infer<typeof costRow>;
/** `CostRow` is the store's. */
export type CostRowChecked = Assert<Same<CostRow, CostServed>>;

/** A stored tariff version in words, with the version itself. */
export const tariffSummary = z.object({
  name: z.string(),
  commodity: z.string(),
  validFrom: z.string(),
  validTo: z.string().nullable(),
  currency: z.string(),
  unit: z.string(),
  energy: z.string().describe('the energy price in words, e.g. `0.265 up to 250 kWh, then 0.285`'),
  standingPerDay: z.number(),
  demand: z.string().nullable().describe('the demand charge in words'),
  carbon: z.string().nullable().describe('where the CO2 comes from'),
  default: z.boolean(),
  tariff: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe('the whole version as stored; null when it no longer validates'),
});
/** `tariffSummary` reads the cost feature's summary (whose tariff is the tariff file's shape). */
export type TariffSummaryChecked = Assert<
  Same<Omit<z.infer<typeof tariffSummary>, 'tariff'>, Omit<TariffSummary, 'tariff'>>
>;

/** `GET /tariffs`. */
export const tariffsOverview = z.object({
  tariffs: tariffSummary.array(),
  regions: z.string().array().describe('regions of the grid-intensity profiles'),
});

/** Body of `POST /tariffs`: tariff files (YAML or JSON) and grid-intensity CSVs. */
export const priceFiles = z.object({
  files: z
    .object({ name: z.string().min(1).max(200), text: z.string().max(2_000_000) })
    .array()
    .min(1)
    .max(20),
});

/** `POST /tariffs`: what was stored and repriced. */
export const pricesLoaded = z.object({
  tariffs: z.number(),
  intensity: z.number(),
  meters: z.number(),
  rows: z.number(),
  warnings: z.string().array(),
});
