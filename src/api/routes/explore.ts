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
import { z } from 'zod';
import { InputError } from '../../errors.ts';
import type { Downsampled, ReadingColumns, ReadingRepo } from '../../store/ports/readings.ts';
import { comparisonInstants, isTimeZone, localDays, resolutionFor } from '../../util/time/index.ts';
import { parseTimeRange } from '../params.ts';
import { requirePrincipal } from '../principal.ts';
import { TAG } from '../serving/generations.ts';
import { errorResponses } from '../shapes/common.ts';
import {
  type Aggregation,
  type Series,
  exploreAnswer,
  exploreQuery,
  exportQuery,
} from '../shapes/explore.ts';
import type { ZodTypeProvider } from '../zod-routes.ts';
import { channelTotals } from './explore-compare.ts';
import { downsampleLocalDays } from './local-days.ts';
import { documented, sendAsIs, sendServed } from './served.ts';

const AGG_MS: Record<Exclude<Aggregation, 'auto' | 'raw' | 'day'>, number> = {
  '1m': 60_000,
  '15m': 900_000,
  hour: 3_600_000,
};
const DAY_MS = 86_400_000;

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

/** A series' points or buckets without its channel: the comparison span of a channel's series. */
function seriesData({ channelId: _, ...data }: Series) {
  return data;
}

/** Registers the explore and export routes. */
export async function exploreRoutes(host: FastifyInstance): Promise<void> {
  const app = host.withTypeProvider<ZodTypeProvider>();
  const { store } = app.deps;

  app.get(
    '/explore',
    {
      schema: {
        tags: ['explore'],
        summary: 'Series of several channels, downsampled on the server to at most `width` min/max buckets',
        querystring: exploreQuery,
        response: {
          200: documented(exploreAnswer, "each channel's series, with its comparison and totals when asked"),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const p = requirePrincipal(request);
      const { channels: ids, cmp, tz, agg, width } = request.query;
      const { from, to } = parseTimeRange(request.query);
      if (tz !== undefined && !isTimeZone(tz))
        throw new InputError(`unknown time zone '${tz}': expected an IANA zone such as Europe/Berlin`, {
          field: 'tz',
        });
      const facilities = await Promise.all(ids.map((id) => app.access.channelFacilityOrThrow(p, id)));
      const zone = tz ?? facilities[0]?.timeZone ?? 'UTC';
      const days = cmp ? localDays(zone) : undefined;
      const versus = cmp === 'none' ? undefined : cmp;
      const compared = days && versus ? comparisonInstants(from, to, versus, days) : null;
      // One answer per request shape, after the access checks: kept until a reading of one of the
      // channels, a batch run or a catalog change touches it (serving/serving.ts).
      return sendServed(
        reply,
        app.deps.serving,
        {
          shape: exploreAnswer,
          key: ['explore', ids.join(','), from, to, agg, width, cmp ?? '', zone],
          tags: [TAG.rollups, TAG.catalog, ...ids.map(TAG.readings)],
          from: 'readings',
        },
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
              return {
                ...s,
                name: ch?.name ?? id,
                unit: ch?.unit ?? '',
                facilityId: facility.id,
                ...(before ? { comparison: seriesData(before) } : {}),
                ...(totals ? { totals } : {}),
              };
            }),
          );
          return {
            from,
            to,
            agg,
            resolution: resolutionFor(Math.ceil((to - from) / DAY_MS)),
            comparison: compared && versus ? { cmp: versus, ...compared, timeZone: zone } : null,
            series,
          };
        },
      );
    },
  );

  app.get(
    '/explore/export.csv',
    {
      schema: {
        tags: ['explore'],
        summary: 'Raw readings of several channels as CSV: channel_id, ts, value, quality',
        querystring: exportQuery,
        response: {
          200: documented(
            z.string().describe('channel_id,ts,value,quality lines'),
            'CSV with a header row, as an attachment',
            'text/csv',
          ),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const p = requirePrincipal(request);
      const ids = request.query.channels;
      const { from, to } = parseTimeRange(request.query);
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
        reply.header('content-disposition', 'attachment; filename="loadscope-export.csv"');
        return sendAsIs(reply, 'text/csv; charset=utf-8', stream);
      } catch (err) {
        cleanup();
        throw err;
      }
    },
  );
}
