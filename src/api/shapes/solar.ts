/**
 * A facility's solar and net-metering figures as the API answers them
 * (`GET /facilities/:facilityId/solar`, docs/solar.md): the flows settled per hour and summed per
 * bucket mirror src/solar's `FlowFigures` and `FlowBucket`, the net cost its `NetCost`, checked at
 * compile time.
 */
import { z } from 'zod';
import { FLOW_PERIODS, type FlowBucket, type FlowFigures } from '../../solar/flows.ts';
import type { NetCost as SolarNetCost } from '../../solar/net-cost.ts';
import { FLOW_ROLES } from '../../solar/roles.ts';
import { type Assert, type Same, time } from './common.ts';

/** Query of the solar view: `to` defaults to now, `from` to 30 local days before it. */
export const solarQuery = z.object({
  period: z.enum(FLOW_PERIODS).default('day'),
  from: time('start, inclusive', 'facility').optional(),
  to: time('end, exclusive', 'facility').optional(),
});

const wh = z.number();
/** The flows of one bucket (Wh) and the shares of PV and consumption met on site. */
export const flowFigures = z.object({
  gridImport: wh,
  gridExport: wh,
  pv: wh,
  batteryCharge: wh,
  batteryDischarge: wh,
  consumption: wh.describe('what the site used: import - export + pv + discharge - charge'),
  net: wh.describe('import - export: what the meter nets to'),
  solarToHome: wh,
  solarToBattery: wh,
  solarToGrid: wh,
  gridToHome: wh,
  gridToBattery: wh,
  batteryToHome: wh,
  batteryToGrid: wh,
  selfConsumed: wh.describe('PV used on site (directly or stored): pv - solarToGrid'),
  selfConsumption: z.number().nullable().describe('share of the PV used on site; null without PV'),
  selfSufficiency: z
    .number()
    .nullable()
    .describe('share of the consumption met on site; null without consumption'),
});
/** `flowFigures` is src/solar's. */
export type FiguresChecked = Assert<Same<z.infer<typeof flowFigures>, FlowFigures>>;

/** One bucket of flows. */
export const flowBucket = flowFigures.extend({
  label: z.string().describe('local YYYY-MM-DDTHH, YYYY-MM-DD or YYYY-MM'),
  start: z.number().describe("UTC ms of the bucket's first hour"),
});
/** `flowBucket` is src/solar's. */
export type BucketChecked = Assert<Same<z.infer<typeof flowBucket>, FlowBucket>>;

/** Import cost less export credit. */
export const netCost = z.object({
  currency: z.string(),
  importCost: z.number(),
  exportCredit: z.number(),
  net: z.number().describe('importCost - exportCredit'),
});
/** `netCost` is src/solar's. */
export type NetCostChecked = Assert<Same<z.infer<typeof netCost>, SolarNetCost>>;

/** `GET /facilities/:facilityId/solar`: grid, PV and battery flows settled per hour. */
export const solarView = z.object({
  period: z.enum(FLOW_PERIODS),
  from: z.number(),
  to: z.number(),
  metered: z
    .object({ grid: z.boolean(), export: z.boolean(), pv: z.boolean(), battery: z.boolean() })
    .describe('which flows the facility measures'),
  sources: z.object({ channelId: z.string(), name: z.string(), role: z.enum(FLOW_ROLES) }).array(),
  totals: flowFigures,
  buckets: flowBucket.array(),
  cost: z
    .object({ totals: netCost, buckets: netCost.extend({ label: z.string() }).array() })
    .nullable()
    .describe("null until a tariff prices the facility's grid meter"),
});
/** The solar view. */
export type SolarView = z.infer<typeof solarView>;
