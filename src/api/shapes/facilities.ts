/**
 * Facilities as the API takes and answers them (`/api/v1/facilities/*`): the facility, its meters and
 * channels, the fleet list with live figures and scores, a dashboard's summary, edits, and where a
 * facility's readings are. Shapes that mirror a domain type are checked against it at compile time.
 */
import { z } from 'zod';
import {
  type Channel as DomainChannel,
  type Facility as DomainFacility,
  FACILITY_KINDS,
  MEASUREMENTS,
  type Meter as DomainMeter,
  SERVICE_TYPES,
  UNITS,
} from '../../domain/types.ts';
import { SHARE_ACCESS } from '../../store/ports/accounts.ts';
import type { FacilityStats } from '../facility-stats.ts';
import { type Assert, type Same, flag } from './common.ts';

/** A facility kind. */
export const facilityKind = z.enum(FACILITY_KINDS);

/** A facility. */
export const facility = z.object({
  id: z.string(),
  orgId: z.string(),
  name: z.string(),
  kind: facilityKind,
  address: z.string().nullable(),
  zip: z.string().nullable(),
  timeZone: z.string(),
  tags: z.array(z.string()),
  createdAt: z.number(),
});
/** `facility` is the domain's. */
export type FacilityChecked = Assert<Same<z.infer<typeof facility>, DomainFacility>>;

/** A facility with the caller's access to it. */
export const facilityWithAccess = facility.extend({ access: z.enum(SHARE_ACCESS) });
/** A facility with the caller's access. */
export type FacilityWithAccess = z.infer<typeof facilityWithAccess>;

/** A utility service point. */
export const meter = z.object({
  id: z.string(),
  facilityId: z.string(),
  serviceType: z.enum(SERVICE_TYPES),
  utilityMeterNumber: z.string().nullable(),
  serviceId: z.string().nullable(),
  tariff: z.string().nullable(),
  utility: z.string().nullable(),
});
/** `meter` is the domain's. */
export type MeterChecked = Assert<Same<z.infer<typeof meter>, DomainMeter>>;

/** One measured series. */
export const channel = z.object({
  id: z.string(),
  meterId: z.string(),
  name: z.string(),
  isMains: z.boolean(),
  appliance: z.string().nullable(),
  measurement: z.enum(MEASUREMENTS),
  unit: z.enum(UNITS),
  intervalMs: z.number().nullable(),
  maxGapMs: z.number().nullable(),
  rolloverAt: z.number().nullable(),
});
/** `channel` is the domain's. */
export type ChannelChecked = Assert<Same<z.infer<typeof channel>, DomainChannel>>;

/** `GET /facilities/:facilityId`. */
export const facilityDetail = z.object({
  facility: facilityWithAccess,
  meters: meter.array(),
  channels: channel.array(),
});
/** One facility with its meters and channels. */
export type FacilityDetail = z.infer<typeof facilityDetail>;

/** A facility's live figures (src/api/facility-stats.ts). */
export const facilityStats = z.object({
  latestPower: z
    .number()
    .nullable()
    .describe(
      'sum of the latest mains power values, W; for a meter with only interval energy, its average power over the newest interval',
    ),
  latestPowerDerived: z
    .boolean()
    .describe('true when (part of) latestPower is derived from interval energy rather than measured'),
  latestTs: z.number().nullable().describe('time of the oldest of those latest values, UTC ms'),
  today: z
    .array(z.object({ unit: z.string(), energy: z.number() }))
    .describe("energy of the facility's current local day so far"),
  openAlerts: z.number(),
});
/** `facilityStats` is the stats module's. */
export type StatsChecked = Assert<Same<z.infer<typeof facilityStats>, FacilityStats>>;

/** A row of `GET /facilities`: the facility, its live figures and, when a product is asked for, its score. */
export const fleetItem = facilityWithAccess.extend({
  ...facilityStats.shape,
  score: z.number().nullable(),
  scoreLabel: z.string().nullable(),
});
/** A row of the fleet list. */
export type FleetItem = z.infer<typeof fleetItem>;

const score = z.coerce.number().min(0).max(100).describe('scores run from 0 to 100');

/** Query of `GET /facilities`. */
export const facilityQuery = z.object({
  q: z.string().max(200).optional().describe('search over id, name, address, zip and tags'),
  kind: facilityKind.optional(),
  zip: z.string().max(20).optional(),
  tag: z.string().max(100).optional(),
  openAlerts: flag('true: only facilities with open alerts; false: only those without').optional(),
  product: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe('analytic product whose newest score is shown (and filtered by minScore/maxScore)'),
  minScore: score.optional(),
  maxScore: score.optional(),
});
/** The fleet list's filters, checked. */
export type FacilityQuery = z.output<typeof facilityQuery>;

/** `GET /facilities/:facilityId/summary`: a dashboard's live figures. */
export const facilitySummary = facilityStats.extend({
  facilityId: z.string(),
  channels: z.array(
    z.object({
      channelId: z.string(),
      name: z.string(),
      isMains: z.boolean(),
      unit: z.string(),
      ts: z.number().nullable(),
      value: z.number().nullable(),
    }),
  ),
});

/** Body of `PATCH /facilities/:facilityId`. */
export const facilityPatch = z.object({
  name: z.string().min(1).max(200).optional(),
  kind: facilityKind.optional(),
  address: z.string().max(500).nullable().optional(),
  zip: z.string().max(20).nullable().optional(),
  timeZone: z.string().min(1).max(64).optional(),
  tags: z.array(z.string().min(1).max(100)).max(50).optional(),
});

const span = {
  from: z.number().nullable().describe('first reading, UTC ms'),
  to: z.number().nullable().describe('last reading, UTC ms'),
};
/** `GET /facilities/:facilityId/extent`: first and last reading per channel and overall (null without any). */
export const dataExtent = z.object({
  ...span,
  channels: z.array(z.object({ channelId: z.string(), ...span })),
});
/** A facility's data extent. */
export type DataExtent = z.infer<typeof dataExtent>;
