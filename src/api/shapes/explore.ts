/**
 * Explore as the API takes and answers it (`GET /api/v1/explore`, `GET /api/v1/explore/export.csv`):
 * several channels over a range at an aggregation, each series raw points or min/max/mean buckets,
 * with an optional comparison span and each channel's energy in both.
 */
import { z } from 'zod';
import { COMPARISONS, RESOLUTIONS } from '../../util/time/index.ts';
import { time } from './common.ts';

/** Aggregations of the explore view. */
export const AGGREGATIONS = ['auto', 'raw', '1m', '15m', 'hour', 'day'] as const;
/** An explore aggregation: `auto` and `raw` return raw points when they fit in the width, buckets otherwise. */
export type Aggregation = (typeof AGGREGATIONS)[number];

/** What explore compares with: the period before, a year earlier, or nothing (totals alone). */
export const EXPLORE_COMPARISONS = [...COMPARISONS, 'none'] as const;
/** An explore comparison. */
export type ExploreComparison = (typeof EXPLORE_COMPARISONS)[number];

/** Comma-separated channel ids, read as the distinct ids, 1 to 20 of them. */
const channelIds = z
  .string()
  .min(1)
  .max(2000)
  .transform((s) => [...new Set(s.split(',').map((id) => id.trim()))].filter(Boolean))
  .pipe(z.array(z.string()).min(1, 'give 1 to 20 channel ids').max(20, 'give 1 to 20 channel ids'))
  .describe('comma-separated channel ids (at most 20)');

/** Query of `GET /explore/export.csv`, and the start of the explore query. */
export const exportQuery = z.object({
  channels: channelIds,
  from: time('start, inclusive'),
  to: time('end, exclusive'),
});

/** Query of `GET /explore`. */
export const exploreQuery = exportQuery.extend({
  agg: z.enum(AGGREGATIONS).default('auto'),
  width: z.coerce
    .number()
    .int()
    .min(10)
    .max(10_000)
    .default(1000)
    .describe('pixels: most buckets per series'),
  cmp: z
    .enum(EXPLORE_COMPARISONS)
    .optional()
    .describe(
      'compare with the period before (prev) or a year earlier (year): each series gains `comparison`, read the same way, and `totals` (energy from the hourly rollups, coverage, change); `none` gives the totals alone. Whole local days compare as the facility range does (a month with the month before)',
    ),
  tz: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe("IANA zone of the local calendar for cmp (default: the first channel's facility's)"),
});

const numbers = z.array(z.number());
const rawPoints = z.object({ raw: z.literal(true), bucketMs: z.null(), ts: numbers, value: numbers });
/**
 * Buckets of `bucketMs` with min/max/mean/count. Day buckets start at local midnight, so at a
 * daylight-saving change one is 23 or 25 hours long; their `bucketMs` is the nominal length.
 */
const buckets = z.object({
  raw: z.literal(false),
  bucketMs: z.number(),
  ts: numbers,
  min: numbers,
  max: numbers,
  mean: numbers,
  count: numbers,
});
const channelId = z.string();

/** One channel's series: raw points, or buckets with min/max/mean/count. */
export const series = z.discriminatedUnion('raw', [
  rawPoints.extend({ channelId }),
  buckets.extend({ channelId }),
]);
/** One channel's series. */
export type Series = z.infer<typeof series>;

/** Below this covered fraction a span's total is flagged as partial. */
export const PARTIAL_COVERAGE = 0.9;

const nullableNumber = z.number().nullable();
/** One channel's totals: energy in the span and in its comparison, the change, and coverage. */
export const channelTotals = z.object({
  unit: z
    .string()
    .nullable()
    .describe("Wh for electricity, else the channel's volume unit; null when no rollup is there yet"),
  basis: z.enum(['hour', 'day']).describe('the rollups summed (whole ones starting in the span)'),
  current: z.number(),
  coverage: z.number().describe('covered fraction of the span, 0 to 1'),
  comparison: nullableNumber,
  comparisonCoverage: nullableNumber,
  delta: nullableNumber,
  percent: nullableNumber,
  partial: z.boolean().describe(`true when the comparison span is covered less than ${PARTIAL_COVERAGE}`),
});
/** A channel's energy in an explore span and in the span compared with. */
export type ChannelTotals = z.infer<typeof channelTotals>;

/** The span an explore view is compared with; `offset` added to its times aligns them. */
export const exploreComparison = z.object({
  cmp: z.enum(COMPARISONS),
  from: z.number(),
  to: z.number(),
  offset: z.number().describe('from - comparison from: add to align'),
  timeZone: z.string(),
});
/** The compared span. */
export type ExploreComparisonSpan = z.infer<typeof exploreComparison>;

const described = {
  channelId,
  name: z.string(),
  unit: z.string(),
  facilityId: z.string(),
  comparison: z
    .discriminatedUnion('raw', [rawPoints, buckets])
    .optional()
    .describe("the compared span's series, read the same way"),
  totals: channelTotals.optional(),
};

/** `GET /explore`. */
export const exploreAnswer = z.object({
  from: z.number(),
  to: z.number(),
  agg: z.enum(AGGREGATIONS),
  resolution: z.enum(RESOLUTIONS).describe('the resolution a chart of this span reads at best'),
  comparison: exploreComparison.nullable(),
  series: z.array(z.discriminatedUnion('raw', [rawPoints.extend(described), buckets.extend(described)])),
});
/** The explore answer. */
export type ExploreAnswer = z.infer<typeof exploreAnswer>;
