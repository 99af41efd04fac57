/**
 * The simulated fleet that feeds `npm start`: registers the simulator's catalog under one
 * organisation, backfills recent history (so the batch layer can compute p97 thresholds), then
 * appends the fleet's readings to the reading log as wall-clock time passes.
 */
import { createFleet, generateReadings, type Fleet } from '../sim/index.ts';
import type { StorePort } from '../store/store.ts';
import type { ReadingLog } from './log/port.ts';

/** Options of {@link startLiveFleet}. */
export interface LiveFleetOptions {
  store: StorePort<
    'catalog',
    'getOrganisation' | 'upsertOrganisations' | 'upsertFacilities' | 'upsertMeters' | 'upsertChannels'
  > &
    StorePort<'readings', 'write'> &
    StorePort<'rollups', 'computeThresholds'>;
  log: ReadingLog;
  /** Organisation that owns the simulated facilities (the first administrator's). */
  orgId: string;
  meters: number;
  seed: number;
  /** History written on start, ms; default 1 day. */
  backfillMs?: number;
  /** Share of the households with rooftop PV (default 0) and of those with a battery (default 0.3). */
  pvShare?: number;
  batteryShare?: number;
  /** Sampling of appliance-level houses, ms; default 10 s. */
  sampleMs?: number;
  /** How often new readings are generated, ms; default 2 s. */
  tickMs?: number;
  now?: () => number;
  onError?: (err: unknown) => void;
}

/** A running live fleet. */
export interface LiveFleet {
  readonly fleet: Fleet;
  /** Readings appended since start (not counting the backfill). */
  readonly sent: number;
  stop(): Promise<void>;
}

/** Seeds the catalog, backfills and starts streaming. */
export async function startLiveFleet(opts: LiveFleetOptions): Promise<LiveFleet> {
  const now = opts.now ?? Date.now;
  const fleet = createFleet({
    seed: opts.seed,
    meters: opts.meters,
    sampleMs: opts.sampleMs ?? 10_000,
    idPrefix: 'live',
    ...(opts.pvShare !== undefined ? { pvShare: opts.pvShare } : {}),
    ...(opts.batteryShare !== undefined ? { batteryShare: opts.batteryShare } : {}),
  });
  const existing = await opts.store.catalog.getOrganisation(opts.orgId);
  if (!existing)
    await opts.store.catalog.upsertOrganisations([
      { id: opts.orgId, name: 'Simulated fleet', createdAt: now() },
    ]);
  await opts.store.catalog.upsertFacilities(fleet.facilities.map((f) => ({ ...f, orgId: opts.orgId })));
  await opts.store.catalog.upsertMeters(fleet.meters);
  await opts.store.catalog.upsertChannels(fleet.channels);
  const start = now();
  const step = opts.sampleMs ?? 10_000;
  const backfillFrom = Math.floor((start - (opts.backfillMs ?? 86_400_000)) / step) * step;
  let cursor = Math.floor(start / step) * step;
  for await (const b of generateReadings(fleet, { from: backfillFrom, to: cursor }))
    await opts.store.readings.write(b);
  await opts.store.rollups.computeThresholds({ percentile: 97, now: start });

  let sent = 0;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const tick = async (): Promise<void> => {
    const to = Math.floor(now() / step) * step;
    if (to <= cursor) return;
    for await (const b of generateReadings(fleet, { from: cursor, to })) {
      if (stopped) return;
      await opts.log.append(b);
      sent += b.length;
    }
    cursor = to;
  };
  const timer = setInterval(() => {
    running = running.then(tick).catch((e: unknown) => opts.onError?.(e));
  }, opts.tickMs ?? 2000);
  timer.unref();
  return {
    fleet,
    get sent() {
      return sent;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
