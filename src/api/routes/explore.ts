/**
 * Explore: several channels over a time range at an aggregation (raw, 1 min, 15 min, hour, day),
 * downsampled by the database to at most `width` buckets (min/max/mean per pixel) so that a year of
 * one-second data stays a few thousand numbers; and CSV export of the raw readings. Day buckets start
 * at the local midnight of the channel's facility.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { InputError } from '../../errors.ts';
import type { Downsampled, ReadingColumns, ReadingRepo } from '../../store/ports/readings.ts';
import {
  comparisonInstants,
  isTimeZone,
  localDays,
  resolutionFor,
  RESOLUTIONS,
} from '../../util/time/index.ts';
import { parseTimeRange, timeSchema } from '../params.ts';
import { requirePrincipal } from '../principal.ts';
import { channelTotals, EXPLORE_COMPARISONS, type ExploreComparison } from './explore-compare.ts';
import { downsampleLocalDays } from './local-days.ts';
import { errorResponses } from './schemas.ts';
import { TAG } from '../serving/generations.ts';

/** Aggregations of the explore view. */
export const AGGREGATIONS = ['auto', 'raw', '1m', '15m', 'hour', 'day'] as const;
/** An explore aggregation: `auto` and `raw` return raw points when they fit in the width, buckets otherwise. */
export type Aggregation = (typeof AGGREGATIONS)[number];

const AGG_MS: Record<Exclude<Aggregation, 'auto' | 'raw' | 'day'>, number> = {
  '1m': 60_000,
  '15m': 900_000,
  hour: 3_600_000,
};
const DAY_MS = 86_400_000;

/**
 * One channel's series: raw points, or buckets of `bucketMs` with min/max/mean/count. Day buckets
 * start at local midnight, so at a daylight-saving change one is 23 or 25 hours long; their
 * `bucketMs` is the nominal length, a whole number of 24-hour days.
 */
export type Series =
  | { channelId: string; raw: true; bucketMs: null; ts: number[]; value: number[] }
  | {
      channelId: string;
      raw: false;
      bucketMs: number;
      ts: number[];
      min: number[];
      max: number[];
      mean: number[];
      count: number[];
    };

/**
 * Reads one channel's series. `raw`/`auto` give raw points when the range holds at most `width` x 2
 * readings, else `width` equal buckets. A fixed aggregation gives aligned buckets of that size,
 * widened to a whole multiple of it when more than `width` buckets would be needed; `day` buckets
 * are local days of `timeZone` (the facility's, UTC when not given). `intervalMs`, the channel's
 * sampling interval if known, saves a query when it says the raw points fit.
 */
export async function readSeries(
  readings: ReadingRepo,
  channelId: string,
  q: {
    from: number;
    to: number;
    agg: Aggregation;
    width: number;
    intervalMs?: number | null;
    timeZone?: string;
  },
): Promise<Series> {
  const { from, to, agg, width } = q;
  const buckets = (d: Downsampled, bucketMs: number): Series => ({
    channelId,
    raw: false,
    bucketMs,
    ts: Array.from(d.ts),
    min: Array.from(d.min),
    max: Array.from(d.max),
    mean: Array.from(d.mean),
    count: Array.from(d.count),
  });
  if (agg === 'auto' || agg === 'raw') {
    // A live chart or a zoomed-in view: the interval says the points fit, so read them at once rather
    // than count them by downsampling first. Data denser than its interval falls through to buckets.
    if (q.intervalMs && (to - from) / q.intervalMs <= width) {
      const cols = await readings.readColumns(channelId, from, to);
      if (cols.ts.length <= width * 2) return rawSeries(channelId, cols);
    }
    const d = await readings.downsample(channelId, from, to, width);
    let total = 0;
    for (const c of d.count) total += c;
    if (total <= width * 2) return rawSeries(channelId, await readings.readColumns(channelId, from, to));
    return buckets(d, (to - from) / width);
  }
  if (agg === 'day') {
    const days = await downsampleLocalDays(readings, channelId, {
      from,
      to,
      width,
      timeZone: q.timeZone ?? 'UTC',
    });
    return buckets(days.data, days.daysPerBucket * DAY_MS);
  }
  const step = AGG_MS[agg];
  const start = Math.floor(from / step) * step;
  const n = Math.max(1, Math.ceil((to - start) / step));
  const k = Math.ceil(n / width);
  const count = Math.ceil(n / k);
  return buckets(await readings.downsample(channelId, start, start + count * k * step, count), k * step);
}

function rawSeries(channelId: string, cols: ReadingColumns): Series {
  return { channelId, raw: true, bucketMs: null, ts: Array.from(cols.ts), value: Array.from(cols.value) };
}

interface ExploreQuery {
  channels: string;
  from: string;
  to: string;
  agg?: Aggregation;
  width?: number;
  cmp?: ExploreComparison;
  tz?: string;
}

const exploreQuery = {
  type: 'object',
  properties: {
    channels: {
      type: 'string',
      minLength: 1,
      maxLength: 2000,
      description: 'comma-separated channel ids (at most 20)',
    },
    from: timeSchema('start, inclusive'),
    to: timeSchema('end, exclusive'),
    agg: { type: 'string', enum: [...AGGREGATIONS], default: 'auto' },
    width: {
      type: 'integer',
      minimum: 10,
      maximum: 10_000,
      default: 1000,
      description: 'pixels: most buckets per series',
    },
    cmp: {
      type: 'string',
      enum: [...EXPLORE_COMPARISONS],
      description:
        'compare with the period before (prev) or a year earlier (year): each series gains `comparison`, read the same way, and `totals` (energy from the hourly rollups, coverage, change); `none` gives the totals alone. Whole local days compare as the facility range does (a month with the month before)',
    },
    tz: {
      type: 'string',
      minLength: 1,
      maxLength: 64,
      description: "IANA zone of the local calendar for cmp (default: the first channel's facility's)",
    },
  },
  required: ['channels', 'from', 'to'],
  additionalProperties: false,
} as const;

const numbers = { type: 'array', items: { type: 'number' } } as const;
const nullableNumber = { type: ['number', 'null'] } as const;
const seriesProperties = {
  raw: { type: 'boolean' },
  bucketMs: { type: ['number', 'null'] },
  ts: numbers,
  value: numbers,
  min: numbers,
  max: numbers,
  mean: numbers,
  count: numbers,
} as const;

/** The channel ids and the range of an explore or export query, checked. */
function parseExploreQuery(q: { channels: string; from: string; to: string }): {
  ids: string[];
  from: number;
  to: number;
} {
  const ids = [
    ...new Set(
      q.channels
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  if (ids.length === 0 || ids.length > 20)
    throw new InputError('give 1 to 20 channel ids', { field: 'channels' });
  return { ids, ...parseTimeRange(q) };
}

/** Registers the explore and export routes. */
export async function exploreRoutes(app: FastifyInstance): Promise<void> {
  const { store } = app.deps;

  app.get<{ Querystring: ExploreQuery }>(
    '/explore',
    {
      schema: {
        tags: ['explore'],
        summary: 'Series of several channels, downsampled on the server to at most `width` min/max buckets',
        querystring: exploreQuery,
        response: {
          200: {
            type: 'object',
            properties: {
              from: { type: 'number' },
              to: { type: 'number' },
              agg: { type: 'string' },
              resolution: {
                type: 'string',
                enum: [...RESOLUTIONS],
                description: 'the resolution a chart of this span reads at best',
              },
              comparison: {
                anyOf: [
                  {
                    type: 'object',
                    properties: {
                      cmp: { type: 'string' },
                      from: { type: 'number' },
                      to: { type: 'number' },
                      offset: { type: 'number', description: 'from - comparison from: add to align' },
                      timeZone: { type: 'string' },
                    },
                    required: ['cmp', 'from', 'to', 'offset', 'timeZone'],
                  },
                  { type: 'null' },
                ],
              },
              series: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    channelId: { type: 'string' },
                    name: { type: 'string' },
                    unit: { type: 'string' },
                    facilityId: { type: 'string' },
                    ...seriesProperties,
                    comparison: {
                      type: 'object',
                      properties: seriesProperties,
                      required: ['raw', 'ts'],
                    },
                    totals: {
                      type: 'object',
                      properties: {
                        unit: { type: ['string', 'null'] },
                        basis: { type: 'string', enum: ['hour', 'day'] },
                        current: { type: 'number' },
                        coverage: { type: 'number' },
                        comparison: nullableNumber,
                        comparisonCoverage: nullableNumber,
                        delta: nullableNumber,
                        percent: nullableNumber,
                        partial: { type: 'boolean' },
                      },
                      required: ['unit', 'basis', 'current', 'coverage', 'comparison', 'partial'],
                    },
                  },
                  required: ['channelId', 'raw', 'ts'],
                },
              },
            },
            required: ['from', 'to', 'agg', 'resolution', 'comparison', 'series'],
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const p = requirePrincipal(request);
      const { ids, from, to } = parseExploreQuery(request.query);
      const { cmp, tz } = request.query;
      if (tz !== undefined && !isTimeZone(tz))
        throw new InputError(`unknown time zone '${tz}': expected an IANA zone such as Europe/Berlin`, {
          field: 'tz',
        });
      const agg = request.query.agg ?? 'auto';
      const width = request.query.width ?? 1000;
      const facilities = await Promise.all(ids.map((id) => app.access.channelFacilityOrThrow(p, id)));
      const zone = tz ?? facilities[0]?.timeZone ?? 'UTC';
      const days = cmp ? localDays(zone) : undefined;
      const compared = days && cmp && cmp !== 'none' ? comparisonInstants(from, to, cmp, days) : null;
      // One answer per request shape, after the access checks: kept until a reading of one of the
      // channels, a batch run or a catalog change touches it (serving/serving.ts).
      const key = ['explore', ids.join(','), from, to, agg, width, cmp ?? '', zone].join('\u0000');
      const tags = [TAG.rollups, TAG.catalog, ...ids.map(TAG.readings)];
      const body = await app.deps.serving.json(
        key,
        tags,
        async () => {
          // Channels side by side: the store reads them on as many connections as it has.
          const series = await Promise.all(
            ids.map(async (id, i) => {
              const facility = facilities[i]!;
              const ch = (await app.deps.channelsOf(facility.id)).find((c) => c.id === id);
              const read = (span: { from: number; to: number }) =>
                app.deps.serving.series(id, ch, facility.timeZone, { ...span, agg, width });
              const [s, before, totals] = await Promise.all([
                read({ from, to }),
                compared ? read(compared) : undefined,
                days ? channelTotals(app.deps.listRollups, id, { from, to }, compared, days) : undefined,
              ]);
              const { channelId: _, ...comparison } = before ?? { channelId: '' };
              return {
                ...s,
                name: ch?.name ?? id,
                unit: ch?.unit ?? '',
                facilityId: facility.id,
                ...(before ? { comparison } : {}),
                ...(totals ? { totals } : {}),
              };
            }),
          );
          return {
            from,
            to,
            agg,
            resolution: resolutionFor(Math.ceil((to - from) / DAY_MS)),
            comparison: compared && cmp ? { cmp, ...compared, timeZone: zone } : null,
            series,
          };
        },
        'readings',
      );
      return reply.type('application/json; charset=utf-8').send(body);
    },
  );

  app.get<{ Querystring: Omit<ExploreQuery, 'agg' | 'width'> }>(
    '/explore/export.csv',
    {
      schema: {
        tags: ['explore'],
        summary: 'Raw readings of several channels as CSV: channel_id, ts, value, quality',
        querystring: {
          type: 'object',
          properties: {
            channels: exploreQuery.properties.channels,
            from: exploreQuery.properties.from,
            to: exploreQuery.properties.to,
          },
          required: ['channels', 'from', 'to'],
          additionalProperties: false,
        },
        response: { 200: { type: 'string' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = requirePrincipal(request);
      const { ids, from, to } = parseExploreQuery(request.query);
      for (const id of ids) await app.access.channelFacilityOrThrow(p, id);
      const dir = await mkdtemp(join(tmpdir(), 'ls-export-'));
      const cleanup = () => void rm(dir, { recursive: true, force: true });
      try {
        const path = join(dir, 'export.csv');
        await store.readings.exportReadings({
          channelIds: ids,
          from,
          to,
          format: 'csv',
          path,
        });
        // Streamed from the temp file so that a large export never sits in memory; removed when sent.
        const stream = createReadStream(path);
        stream.once('close', cleanup);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="loadscope-export.csv"')
          .send(stream);
      } catch (err) {
        cleanup();
        throw err;
      }
    },
  );
}
