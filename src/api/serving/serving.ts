/**
 * The serving layer of the API: what the dashboard asks for, answered from memory. Rollup views, a
 * facility's channels, latest values, open-alert counts, explore series and extents are computed once
 * from the store and kept until what they were made from changes (see generations.ts and
 * notifying-store.ts): a batch run that commits, a reading, latest value or alert written in this
 * process drops the answers it touches at once; TTLs bound changes made by other processes.
 *
 * Keys name data, never callers: every route checks the caller's access to the facility or channel
 * before it asks, and answers that depend on who asks (the zip view) are built per request from
 * entries keyed by organisation or facility.
 */
import type { Channel } from '../../domain/types.ts';
import type { ReadingExtent } from '../../store/ports/readings.ts';
import type { RollupQuery, RollupRow } from '../../store/ports/rollups.ts';
import type { Store } from '../../store/store.ts';
import type { LatestValue } from '../../stream/windows.ts';
import { readSeries } from '../routes/explore.ts';
import type { Aggregation, Series } from '../shapes/explore.ts';
import { type Generations, TAG } from './generations.ts';
import { type ServingCache, createServingCache } from './serving-cache.ts';
import {
  HOUR_MS,
  concatDownsampled,
  foldHours,
  gridEnd,
  hourGrid,
  onHourGrid,
  rollupFactor,
} from './rollup-series.ts';

/** How long answers may lag changes made by other processes, per kind of data (ms). */
export interface ServingTtls {
  /** Rollup views (the batch layer); default 10 s. */
  rollups?: number;
  /** Latest values and open alerts (the live layer); default 1 s. */
  live?: number;
  /** Channels, raw-reading series and extents; default 2 s. */
  readings?: number;
}

/** An explore request for one channel. */
export interface SeriesQuery {
  from: number;
  to: number;
  agg: Aggregation;
  width: number;
}

/** The serving layer (one per server). */
export interface Serving {
  /** `store.rollups.listRollups`, served. Do not mutate the rows. */
  listRollups(q: RollupQuery): Promise<RollupRow[]>;
  /** A facility's channels, served. Do not mutate. */
  channelsOf(facilityId: string): Promise<Channel[]>;
  /** Latest values of a facility's channels, served. */
  latest(facilityId: string, channels: readonly Channel[]): Promise<LatestValue[]>;
  /** Open alerts per facility (facilities without any are absent). */
  openAlerts(facilityIds: readonly string[]): Promise<Map<string, number>>;
  /**
   * One channel's explore series: from hourly rollups when its buckets are an hour or more (power
   * channels in W or kW; readings the batch has not rolled up yet come from the store), else from
   * the readings as `readSeries` reads them.
   */
  series(channelId: string, channel: Channel | undefined, timeZone: string, q: SeriesQuery): Promise<Series>;
  /**
   * A whole answer as JSON text, built by `build` once and kept until one of `tags` changes (or the
   * rollup TTL passes): for answers that cost more to assemble and serialise than to send (a year of
   * explore buckets, the zip view). The route checks access first; `key` must name everything the
   * answer depends on, the caller's readable facilities included where they shape it.
   */
  json(
    key: string,
    tags: readonly string[],
    build: () => Promise<unknown>,
    /** Whose TTL bounds other processes' changes: the rollups' (default) or the readings'. */
    from?: 'rollups' | 'readings',
  ): Promise<string>;
  /** Where a channel's readings are (`store.readings.extent`), served. */
  extent(channelId: string): Promise<ReadingExtent | undefined>;
  /** Forgets every answer (after a change made through the API). */
  clear(): void;
}

/** Builds the serving layer over a store whose writes `generations` hears of (see notifyingStore). */
export function createServing(opts: {
  store: Store;
  generations: Generations;
  ttlMs?: ServingTtls;
}): Serving {
  const { store, generations } = opts;
  const ttl = { rollups: 10_000, live: 1000, readings: 2000, ...opts.ttlMs };
  const cache = <V>(ttlMs: number, max: number): ServingCache<V> =>
    createServingCache<V>({ generations, ttlMs, max });
  const rollups = cache<RollupRow[]>(ttl.rollups, 5000);
  const channels = cache<Channel[]>(ttl.readings, 50_000);
  const latest = cache<LatestValue[]>(ttl.live, 50_000);
  const alerts = cache<Map<string, number>>(ttl.live, 5000);
  const series = cache<Series>(ttl.readings, 5000);
  const extents = cache<ReadingExtent | undefined>(ttl.readings, 100_000);
  const answers = { rollups: cache<string>(ttl.rollups, 2000), readings: cache<string>(ttl.readings, 2000) };
  const rollupTags = [TAG.rollups, TAG.catalog];

  const listRollups = (q: RollupQuery) =>
    rollups.get(JSON.stringify(q), rollupTags, () => store.rollups.listRollups(q));

  const self: Serving = {
    listRollups,
    channelsOf: (facilityId) =>
      channels.get(facilityId, [TAG.catalog], () => store.catalog.listChannels({ facilityId })),
    latest: (facilityId, chs) =>
      latest.get(
        `${facilityId}\u0000${chs.map((c) => c.id).join('\u0000')}`,
        chs.map((c) => TAG.live(c.id)),
        () => store.live.getLatest({ channelIds: chs.map((c) => c.id) }),
      ),
    openAlerts: (ids) =>
      alerts.get([...ids].sort().join('\u0000'), [TAG.alerts, TAG.catalog], async () => {
        const out = new Map<string, number>();
        if (ids.length === 0) return out;
        const list = await store.alerts.listAlerts({
          facilityIds: [...ids],
          states: ['open'],
          limit: 100_000,
        });
        for (const a of list) out.set(a.facilityId, (out.get(a.facilityId) ?? 0) + 1);
        return out;
      }),
    series: (channelId, channel, timeZone, q) =>
      series.get(
        [channelId, timeZone, q.from, q.to, q.agg, q.width].join('\u0000'),
        [TAG.readings(channelId), TAG.rollups, TAG.catalog],
        () => servedSeries(store, listRollups, channelId, channel, timeZone, q),
      ),
    json: (key, tags, build, from = 'rollups') =>
      answers[from].get(key, tags, async () => JSON.stringify(await build())),
    extent: (channelId) =>
      extents.get(channelId, [TAG.readings(channelId)], () => store.readings.extent(channelId)),
    clear() {
      for (const c of [rollups, channels, latest, alerts, series, extents, answers.rollups, answers.readings])
        c.clear();
    },
  };
  return self;
}

/** Reads one explore series, from hourly rollups where they serve it (see {@link Serving.series}). */
async function servedSeries(
  store: Store,
  listRollups: (q: RollupQuery) => Promise<RollupRow[]>,
  channelId: string,
  channel: Channel | undefined,
  timeZone: string,
  q: SeriesQuery,
): Promise<Series> {
  const fromReadings = () =>
    readSeries(store.readings, channelId, { ...q, intervalMs: channel?.intervalMs, timeZone });
  const factor = channel ? rollupFactor(channel) : undefined;
  const auto = q.agg === 'auto' || q.agg === 'raw';
  if (factor === undefined || !(auto || q.agg === 'hour')) return fromReadings();
  const span = q.to - q.from;
  // Buckets under an hour, or raw points that fit the width: the readings answer as before.
  if (auto && (span / q.width < HOUR_MS || (channel?.intervalMs && span / channel.intervalMs <= q.width)))
    return fromReadings();
  const grid = hourGrid(q.from, q.to, q.width);
  const end = gridEnd(grid);
  const rows = await listRollups({
    level: 'channel',
    period: 'hour',
    channelId,
    from: grid.start,
    to: end,
    limit: grid.count * grid.hours + 1,
  });
  if (rows.length === 0 || !onHourGrid(rows)) return fromReadings();
  const samples = rows.reduce((s, r) => s + r.samples, 0);
  if (auto && samples <= q.width * 2) return fromReadings();
  // Hours after the last rolled-up one (the batch has not reached them yet) come from the readings,
  // from the start of the bucket holding the first of them, so that no bucket mixes the two.
  const bucketMs = grid.hours * HOUR_MS;
  const last = rows[rows.length - 1]!.start + HOUR_MS;
  const tailFrom = grid.start + Math.floor((last - grid.start) / bucketMs) * bucketMs;
  const head = foldHours(
    rows.filter((r) => r.start < tailFrom),
    grid,
    factor,
  );
  const data =
    tailFrom < end
      ? concatDownsampled(
          head,
          await store.readings.downsample(channelId, tailFrom, end, (end - tailFrom) / bucketMs),
        )
      : head;
  return {
    channelId,
    raw: false,
    bucketMs,
    ts: Array.from(data.ts),
    min: Array.from(data.min),
    max: Array.from(data.max),
    mean: Array.from(data.mean),
    count: Array.from(data.count),
  };
}
