/**
 * A facility's NILM results as the API answers them: the stored daily energy per appliance and the
 * appliance inventory (`GET /facilities/:facilityId/nilm`), and the newest live breakdown of its mains
 * (`GET /facilities/:facilityId/nilm/live`). Each mirrors the type of the module that makes it,
 * checked at compile time.
 */
import { z } from 'zod';
import type { LiveNilmBreakdown } from '../../realtime/live-nilm.ts';
import type { ApplianceDailyEnergy, ApplianceInventoryItem } from '../../store/ports/nilm.ts';
import { type Assert, type Same, time } from './common.ts';

/** Query of `GET /facilities/:facilityId/nilm`: local days, both inclusive; default all. */
export const nilmQuery = z.object({
  from: time('first local day, inclusive', 'facility').optional(),
  to: time('last local day, inclusive', 'facility').optional(),
});

/** Energy of one appliance on one local day. */
export const applianceDay = z.object({
  facilityId: z.string(),
  appliance: z.string(),
  day: z.string().describe("local date YYYY-MM-DD in the facility's time zone"),
  energyWh: z.number(),
  coverage: z.number().describe('fraction of the day with mains data, 0 to 1'),
  modelId: z.string(),
});
/** `applianceDay` is the store's. */
export type ApplianceDayChecked = Assert<Same<z.infer<typeof applianceDay>, ApplianceDailyEnergy>>;

/** One appliance detected in a facility. */
export const applianceItem = z.object({
  facilityId: z.string(),
  appliance: z.string(),
  confidence: z.number().describe('0 to 1: how sure the detection is'),
  onPowerW: z.number(),
  activationsPerDay: z.number(),
  modelId: z.string(),
  updatedAt: z.number(),
});
/** `applianceItem` is the store's. */
export type ApplianceItemChecked = Assert<Same<z.infer<typeof applianceItem>, ApplianceInventoryItem>>;

/** `GET /facilities/:facilityId/nilm`. */
export const nilmResults = z.object({ daily: applianceDay.array(), inventory: applianceItem.array() });
/** A facility's NILM results: daily energy per appliance and the detected appliance inventory. */
export type NilmResults = z.infer<typeof nilmResults>;

/** The newest live breakdown of a facility's mains (`GET /facilities/:facilityId/nilm/live`). */
export const liveBreakdown = z.object({
  ts: z.number().describe('start of the model period (UTC ms)'),
  periodMs: z.number().describe('the breakdown is the mean over [ts, ts + periodMs)'),
  mains: z.number().describe('mean mains power (W)'),
  appliances: z.record(z.string(), z.number()).describe('estimated power per appliance (W)'),
  residual: z.number().describe('mains minus the appliances (W)'),
  model: z.object({ id: z.string(), method: z.string() }),
});
/** A live breakdown. */
export type LiveBreakdown = z.infer<typeof liveBreakdown>;
/** `LiveBreakdown` is the live NILM service's. */
export type LiveBreakdownChecked = Assert<Same<LiveBreakdown, LiveNilmBreakdown>>;
