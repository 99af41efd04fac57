/**
 * Energy views as the API takes and answers them: a facility's energy per day, week or month with the
 * span before, its hour-by-day heat map, its channel breakdown, any range of local days with a
 * comparison, raw rollup rows, and energy per zip code. Rows that mirror the store's are checked
 * against it at compile time.
 */
import { z } from 'zod';
import { ROLLUP_PERIODS } from '../../domain/types.ts';
import { ROLLUP_LEVELS, type RollupRow as StoredRollupRow } from '../../store/ports/rollups.ts';
import { COMPARISONS, RESOLUTIONS } from '../../util/time/index.ts';
import { DEFAULT_ENERGY_SPAN, ENERGY_PERIODS } from '../periods.ts';
import { type Assert, type Same, id, time } from './common.ts';

/** A range of times; without an offset they are the facility's local times. */
export const facilityRange = z.object({
  from: time('start, inclusive (bucket start)', 'facility'),
  to: time('end, exclusive', 'facility'),
});

/** A range of UTC times. */
export const utcRange = z.object({
  from: time('start, inclusive (bucket start)'),
  to: time('end, exclusive'),
});

/** Query of `GET /facilities/:facilityId/energy`: both ends have defaults (see the route's description). */
export const energyQuery = facilityRange.partial().extend({
  period: z.enum(ENERGY_PERIODS).default('day'),
});

/** How the energy view's defaults read, for its OpenAPI description. */
export const ENERGY_DEFAULTS =
  `\`to\` defaults to now; \`from\` defaults to the start of the last ${DEFAULT_ENERGY_SPAN.day} ` +
  `(period=day), ${DEFAULT_ENERGY_SPAN.week} (week) or ${DEFAULT_ENERGY_SPAN.month} (month) up to \`to\`, ` +
  "in the facility's time zone.";

/** Energy of one unit in one labelled bucket (a local day, ISO week or month), with its coverage. */
export const energyBucket = z.object({
  label: z.string(),
  unit: z.string(),
  energy: z.number(),
  coverage: z.number(),
});
/** A labelled bucket of energy. */
export type EnergyBucket = z.infer<typeof energyBucket>;

/** `GET /facilities/:facilityId/energy`: buckets of the range and of the same span before. */
export const energyAnswer = z.object({
  period: z.enum(ENERGY_PERIODS),
  current: energyBucket.array(),
  previous: energyBucket.array(),
  totals: z.array(
    z.object({
      unit: z.string(),
      current: z.number(),
      previous: z.number(),
      change: z.number().nullable().describe('(current - previous) / previous; null without a previous'),
    }),
  ),
});
/** The energy view. */
export type EnergyAnswer = z.infer<typeof energyAnswer>;

/** `GET /facilities/:facilityId/heatmap`: rows are local days, columns hours 0-23 (Wh). */
export const heatmap = z.object({
  days: z.array(z.string()),
  energy: z.array(z.array(z.number().nullable())),
  max: z.number(),
});
/** The heat map. */
export type Heatmap = z.infer<typeof heatmap>;

/** One row of `GET /facilities/:facilityId/breakdown`. */
export const breakdownRow = z.object({
  channelId: z.string(),
  name: z.string(),
  isMains: z.boolean(),
  unit: z.string(),
  energy: z.number(),
  coverage: z.number(),
});
/** A channel's energy in the breakdown. */
export type BreakdownRow = z.infer<typeof breakdownRow>;

/** Query of `GET /rollups`. */
export const rollupsQuery = utcRange.extend({
  level: z.enum(['channel', 'meter', 'facility']),
  key: id,
  period: z.enum(ROLLUP_PERIODS),
});

/** An hourly or daily rollup row. */
export const rollupRow = z.object({
  level: z.enum(ROLLUP_LEVELS),
  key: z.string(),
  name: z.string().nullable(),
  period: z.enum(ROLLUP_PERIODS),
  start: z.number(),
  label: z.string(),
  unit: z.string(),
  energy: z.number(),
  meanPower: z.number().nullable(),
  minPower: z.number().nullable(),
  maxPower: z.number().nullable(),
  samples: z.number(),
  coverage: z.number(),
  channels: z.number(),
});
/** A rollup row. */
export type RollupRow = z.infer<typeof rollupRow>;
/** `RollupRow` is the store's. */
export type RollupChecked = Assert<Same<RollupRow, StoredRollupRow>>;

/** One row of `GET /zips`: a zip code's energy in one unit, over the facilities I may read. */
export const zipRow = z.object({
  zip: z.string(),
  unit: z.string(),
  facilities: z.number(),
  energy: z.number(),
  perFacility: z.number(),
  days: energyBucket.array(),
});
/** A zip code's energy. */
export type ZipRow = z.infer<typeof zipRow>;

const localDate = (what: string) =>
  z
    .string()
    .min(1)
    .max(40)
    .describe(`${what}: an ISO 8601 local date YYYY-MM-DD in the facility's time zone, 1970 to 2099`);

/** Query of `GET /facilities/:facilityId/range`; the dates and `cmp` are checked by `parseRangeParams`. */
export const rangeQuery = z.object({
  from: localDate('first day, included'),
  to: localDate('last day, included'),
  cmp: z
    .string()
    .max(10)
    .optional()
    .describe(`comparison: ${COMPARISONS.join(' or ')}`),
});

const daySpan = z.object({ from: z.string(), to: z.string(), start: z.number(), end: z.number() });

/** `GET /facilities/:facilityId/range`: whole local days with their comparison (docs/api.md). */
export const rangeAnswer = z.object({
  timeZone: z.string(),
  resolution: z.enum(RESOLUTIONS),
  range: daySpan,
  comparison: daySpan.nullable(),
  days: z.array(z.object({ label: z.string(), unit: z.string(), energy: z.number() })),
  totals: z.array(
    z.object({
      unit: z.string(),
      current: z.number(),
      comparison: z.number().nullable(),
      delta: z.number().nullable(),
      percent: z.number().nullable(),
    }),
  ),
});
/** A range of local days. */
export type RangeAnswer = z.infer<typeof rangeAnswer>;
