/**
 * Live NILM in the running platform: a subscriber of the reading log of its own (the stream pipeline is
 * not touched) that feeds every facility's mains power into a live disaggregator per NILM model
 * (src/nilm/live.ts) and keeps each facility's newest appliance breakdown, one model period behind.
 *
 * Model per facility: its own newest stored model, else the newest shared one. With no shared model in
 * the store, one is trained at start from the store's sub-metered facilities (mains plus channels with
 * an `appliance` label, e.g. the simulated appliance-level houses) and saved as a shared model.
 * Facilities, channels and models are reloaded every `refreshMs`, so a new meter or a newly trained
 * model is picked up without a restart.
 */
import type { Channel, Meter, ReadingBatch } from '../domain/types.ts';
import { loadFacility } from '../nilm/data/store.ts';
import { type LiveBreakdown, type LiveNilm, createLiveNilm } from '../nilm/live.ts';
import { getMethod, METHOD_NAMES } from '../nilm/methods/registry.ts';
import type { HouseSeries } from '../nilm/types.ts';
import { InputError } from '../errors.ts';
import type { StoredNilmModel } from '../store/ports/nilm.ts';
import type { Store } from '../store/store.ts';
import type { ReadingLog } from './log/port.ts';
import { type ConsumerRun, runConsumer } from './log/run.ts';
import { type Logger, silentLogger } from '../util/logger.ts';

/**
 * A breakdown as clients get it: the answer of `GET /api/v1/facilities/:facilityId/nilm/live` and the
 * `breakdown` of the live push's `nilm` event.
 */
export interface LiveNilmBreakdown {
  /** Start of the model period the breakdown is for (UTC ms). */
  ts: number;
  /** The model's period (ms): the breakdown is the mean over [ts, ts + periodMs). */
  periodMs: number;
  /** Mean mains power of that period (W). */
  mains: number;
  /** Estimated power per appliance (W). */
  appliances: Record<string, number>;
  /** Mains minus the appliances (W). */
  residual: number;
  model: { id: string; method: string };
}

/** A facility's newest live breakdown, with the facility and the organisation that owns it. */
export interface LiveNilmView extends LiveNilmBreakdown {
  facilityId: string;
  /** Owner of the facility: the live push delivers the breakdown by the owner's access rules. */
  orgId: string;
}

/** The client's part of a view (without the routing fields). */
export function breakdownOf(view: LiveNilmView): LiveNilmBreakdown {
  const { ts, periodMs, mains, appliances, residual, model } = view;
  return { ts, periodMs, mains, appliances, residual, model };
}

/** Appliance labels a model trained at start covers, when present in the training facilities. */
export const LIVE_APPLIANCES = [
  'fridge',
  'kettle',
  'microwave',
  'toaster',
  'washer',
  'washing_machine',
  'dryer',
  'washer_dryer',
  'dishwasher',
  'oven',
  'water_heater',
  'heat_pump',
  'air_conditioner',
] as const;

/** How the start-up model is trained when the store has no shared model. */
export interface LiveTrainOptions {
  /** Method (default `eventsig`: fast live and the most accurate across houses; CO's cost grows as 3^appliances). */
  method?: string;
  /** History to train on, ending now (ms); default 3 days (the simulated fleet's backfill). */
  historyMs?: number;
  /** Finest model period (ms); the coarsest mains sampling of the training facilities wins. Default 10 s. */
  periodMs?: number;
  /** Appliances to learn; default the {@link LIVE_APPLIANCES} found in the training facilities. */
  appliances?: string[];
  /** Most sub-metered facilities to train on (the first by id); default 5. */
  maxFacilities?: number;
}

/** Options of {@link startLiveNilm}. */
export interface LiveNilmServiceOptions {
  store: Store;
  /** A reading log this service is the consumer of; omit and feed batches with `offer` instead. */
  log?: ReadingLog;
  now?: () => number;
  onError?: (err: unknown) => void;
  /** Progress (model chosen or trained, warm-up); default none. */
  logger?: Logger;
  /** Called with each new breakdown (e.g. to publish it live). */
  onBreakdown?: (view: LiveNilmView) => void;
  /** Recent history each disaggregation looks at (ms); default 2 hours. */
  windowMs?: number;
  /** Reload facilities, channels and models this often (ms); default 60 s, 0 = never. */
  refreshMs?: number;
  /**
   * Stored mains history fed in at start (ms), so that a breakdown is there at once and a load that
   * was switched on before the start is seen; default 10 minutes, 0 = none.
   */
  warmupMs?: number;
  /** Training at start; `false` never trains. */
  train?: LiveTrainOptions | false;
}

/** Counters of the service. */
export interface LiveNilmStats {
  /** Mains readings fed to a disaggregator. */
  readings: number;
  /** Mains readings dropped because their period had closed. */
  late: number;
  /** Breakdowns computed. */
  breakdowns: number;
  /** Facilities with a breakdown. */
  facilities: number;
  /** Largest and latest delay between the end of a period and its breakdown (ms, by `now`). */
  maxDelayMs: number;
  lastDelayMs: number;
}

/** The running live NILM service. */
export interface LiveNilmService {
  /** The newest breakdown of a facility, or undefined. */
  latest(facilityId: string): LiveNilmView | undefined;
  /** Feeds one batch (readings of channels that are not mains power of a facility with a model are skipped). */
  offer(batch: ReadingBatch): void;
  /** The models in use, by id. */
  models(): StoredNilmModel[];
  stats(): LiveNilmStats;
  /** Reloads facilities, channels and models now. */
  refresh(): Promise<void>;
  /** Stops consuming the log and the refresh timer. */
  stop(): Promise<void>;
}

/** Least time between two reloads caused by unknown channels (ms). */
const MISS_REFRESH_MS = 5_000;

interface Route {
  facilityId: string;
  /** Unit scale times the number of mains legs (a period's mean over all legs' readings times legs = their sum). */
  scale: number;
  engine: Engine;
}

interface Engine {
  stored: StoredNilmModel;
  live: LiveNilm;
}

/** Pushes the batch's routed mains readings into their engines; returns how many. */
function feedMains(batch: ReadingBatch, routes: Map<string, Route | null>, onUnknown: () => void): number {
  const idx = mainsReadings(batch, routes, onUnknown);
  const byChannel = batch.channelIds.map((id) => routes.get(id));
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    const r = byChannel[batch.channel[i]!]!;
    r.engine.live.push(r.facilityId, batch.ts[i]!, batch.value[i]! * r.scale);
  }
  return idx.length;
}

/** One line for the log: how many mains channels run on which models. */
function describeRoutes(routes: Map<string, Route | null>): string {
  const used = [...routes.values()].filter((r) => r !== null);
  const models = [...new Set(used.map((r) => r.engine.stored))];
  return models.length
    ? `${used.length} mains channel(s) on ${models.map((m) => `${m.id} (${m.method})`).join(', ')}`
    : 'no model, nothing to disaggregate';
}

/** Trains and saves a shared model when the store has none, so that every facility can be disaggregated. */
async function trainSharedIfMissing(
  store: Store,
  nowMs: number,
  train: LiveTrainOptions,
  log: Logger,
): Promise<void> {
  const existing = await store.nilm.listModels();
  if (existing.some((m) => m.facilityId === null)) return;
  const trained = await trainSharedModel(store, nowMs, train, log);
  if (trained) await store.nilm.saveModel(trained);
}

/**
 * The route of every known channel: mains power channels of a facility go to its own model's engine,
 * or the shared model's when it has none or its own cannot run; every other channel is null.
 */
function routeMains(
  channels: Channel[],
  meters: Meter[],
  models: StoredNilmModel[],
  engineFor: (stored: StoredNilmModel) => Engine | undefined,
): Map<string, Route | null> {
  const facilityOf = new Map(meters.map((m) => [m.id, m.facilityId]));
  const shared = models.find((m) => m.facilityId === null);
  const own = new Map<string, StoredNilmModel>();
  // Newest first: the first model seen for a facility is its newest.
  for (const m of models) if (m.facilityId !== null && !own.has(m.facilityId)) own.set(m.facilityId, m);
  const mains = channels.filter(
    (c) => c.isMains && c.measurement === 'power' && (c.unit === 'W' || c.unit === 'kW'),
  );
  const legs = new Map<string, number>();
  for (const c of mains) {
    const f = facilityOf.get(c.meterId);
    if (f !== undefined) legs.set(f, (legs.get(f) ?? 0) + 1);
  }
  const routes = new Map<string, Route | null>(channels.map((c) => [c.id, null]));
  for (const c of mains) {
    const facilityId = facilityOf.get(c.meterId);
    if (facilityId === undefined) continue;
    const mine = own.get(facilityId);
    const engine = (mine && engineFor(mine)) ?? (shared && engineFor(shared));
    if (!engine) continue;
    routes.set(c.id, { facilityId, scale: (c.unit === 'kW' ? 1000 : 1) * legs.get(facilityId)!, engine });
  }
  return routes;
}

/** Starts live NILM: chooses (or trains) models, then consumes `log` if given. */
export async function startLiveNilm(opts: LiveNilmServiceOptions): Promise<LiveNilmService> {
  const { store } = opts;
  const now = opts.now ?? Date.now;
  const onError = opts.onError ?? (() => undefined);
  const log = opts.logger ?? silentLogger();
  const views = new Map<string, LiveNilmView>();
  const engines = new Map<string, Engine>();
  // Channel id -> route, or null for a known channel that is not mains power of a facility with a model.
  let routes = new Map<string, Route | null>();
  const stats = { readings: 0, breakdowns: 0, maxDelayMs: 0, lastDelayMs: 0 };
  let refreshing: Promise<void> | undefined;
  let lastRefresh = -Infinity;

  const broken = new Set<string>();
  const engineFor = (stored: StoredNilmModel): Engine | undefined => {
    const known = engines.get(stored.id);
    if (known) return known;
    if (broken.has(stored.id)) return undefined;
    try {
      const engine: Engine = {
        stored,
        live: createLiveNilm({
          model: stored.model,
          windowMs: opts.windowMs ?? 2 * 3_600_000,
          onBreakdown: (b) => publish(engine, b),
        }),
      };
      engines.set(stored.id, engine);
      return engine;
    } catch (err) {
      // Said once: the model stays unusable until it is replaced under another id.
      broken.add(stored.id);
      const why = err instanceof Error ? `: ${err.message}` : '';
      onError(new InputError(`NILM model '${stored.id}' cannot run live${why}`, { field: 'model' }));
      return undefined;
    }
  };

  // Facility id -> owning organisation, as of the last load.
  let orgOf = new Map<string, string>();
  const publish = (engine: Engine, b: LiveBreakdown): void => {
    // A facility removed from the catalog since the last load has no owner: '' reaches no subscriber.
    const view = toView(b, engine.stored, orgOf.get(b.facilityId) ?? '');
    views.set(b.facilityId, view);
    stats.breakdowns++;
    stats.lastDelayMs = now() - (b.ts + view.periodMs);
    if (stats.lastDelayMs > stats.maxDelayMs) stats.maxDelayMs = stats.lastDelayMs;
    opts.onBreakdown?.(view);
  };

  const load = async (): Promise<void> => {
    const [facilities, channels, meters, models] = await Promise.all([
      store.catalog.listFacilities(),
      store.catalog.listChannels(),
      store.catalog.listMeters(),
      store.nilm.listModels(),
    ]);
    const owners = new Map(facilities.map((f) => [f.id, f.orgId]));
    const next = routeMains(channels, meters, models, engineFor);
    // A facility that moved to another model starts afresh there.
    for (const [id, r] of routes) {
      const n = next.get(id);
      if (r && n?.engine !== r.engine) r.engine.live.forget(r.facilityId);
    }
    routes = next;
    orgOf = owners;
    lastRefresh = now();
  };
  const refresh = (): Promise<void> => (refreshing ??= load().finally(() => (refreshing = undefined)));

  if (opts.train !== false) await trainSharedIfMissing(store, now(), opts.train ?? {}, log);
  await refresh();
  log.info(describeRoutes(routes));

  const offer = (batch: ReadingBatch): void => {
    stats.readings += feedMains(batch, routes, () => {
      // A channel registered since the last load: reload soon, at most every few seconds.
      if (now() - lastRefresh >= MISS_REFRESH_MS) refresh().catch(onError);
    });
  };

  const warmed = await warmUp(store, routes, now(), opts.warmupMs ?? 600_000, offer);
  if (warmed) log.info(`warmed up from ${warmed} stored mains reading(s)`);

  const sub: ConsumerRun | undefined = opts.log
    ? runConsumer(
        opts.log,
        (b) => {
          offer(b);
          return Promise.resolve();
        },
        { onError },
      )
    : undefined;
  const refreshMs = opts.refreshMs ?? 60_000;
  const timer = refreshMs > 0 ? setInterval(() => void refresh().catch(onError), refreshMs) : undefined;
  timer?.unref();

  return {
    latest: (facilityId) => views.get(facilityId),
    offer,
    models: () => [...engines.values()].map((e) => e.stored),
    stats: () => ({
      ...stats,
      late: [...engines.values()].reduce((n, e) => n + e.live.late, 0),
      facilities: views.size,
    }),
    refresh,
    async stop() {
      if (timer) clearInterval(timer);
      await sub?.drain();
      await refreshing?.catch(() => undefined);
    },
  };
}

/** Feeds each routed mains channel's stored readings of the last `ms` before `nowMs`; returns how many. */
async function warmUp(
  store: Store,
  routes: Map<string, Route | null>,
  nowMs: number,
  ms: number,
  offer: (b: ReadingBatch) => void,
): Promise<number> {
  if (ms <= 0) return 0;
  const byFacility = new Map<string, string[]>();
  for (const [id, r] of routes)
    if (r) byFacility.set(r.facilityId, [...(byFacility.get(r.facilityId) ?? []), id]);
  let total = 0;
  for (const ids of byFacility.values()) {
    // One batch per facility holding all its legs: `offer` orders them by time.
    const cols = await Promise.all(ids.map((id) => store.readings.readColumns(id, nowMs - ms, nowMs)));
    const n = cols.reduce((k, c) => k + c.ts.length, 0);
    if (n === 0) continue;
    const batch: ReadingBatch = {
      channelIds: ids,
      channel: new Int32Array(n),
      ts: new Float64Array(n),
      value: new Float64Array(n),
      quality: new Uint8Array(n),
      length: n,
    };
    let o = 0;
    cols.forEach((c, k) => {
      batch.channel.fill(k, o, o + c.ts.length);
      batch.ts.set(c.ts, o);
      batch.value.set(c.value, o);
      o += c.ts.length;
    });
    offer(batch);
    total += n;
  }
  return total;
}

/**
 * Indexes of a batch's readings that go to a disaggregator, ordered by facility route then time, so
 * that the mains legs of one facility sent channel by channel still meet in the same open period.
 * Calls `onUnknown` once when the batch names a channel the routes do not know.
 */
function mainsReadings(
  batch: ReadingBatch,
  routes: Map<string, Route | null>,
  onUnknown: () => void,
): Int32Array {
  const byChannel = batch.channelIds.map((id) => routes.get(id));
  if (byChannel.some((r) => r === undefined)) onUnknown();
  const facility = new Int32Array(byChannel.length).fill(-1);
  const ids = new Map<string, number>();
  byChannel.forEach((r, c) => {
    if (!r) return;
    let f = ids.get(r.facilityId);
    if (f === undefined) ids.set(r.facilityId, (f = ids.size));
    facility[c] = f;
  });
  if (ids.size === 0) return new Int32Array(0);
  let n = 0;
  const idx = new Int32Array(batch.length);
  for (let i = 0; i < batch.length; i++) if (facility[batch.channel[i]!]! >= 0) idx[n++] = i;
  const out = idx.subarray(0, n);
  const { ts, channel } = batch;
  // Single-leg facilities arrive in time order already; sorting is then one cheap pass.
  out.sort((a, b) => facility[channel[a]!]! - facility[channel[b]!]! || ts[a]! - ts[b]! || a - b);
  return out;
}

/**
 * The API's view of a breakdown. Appliances never add up to more than the mains: when a model's
 * estimates do (a provisional event on top of standby draws), they are scaled down to the mains.
 */
function toView(b: LiveBreakdown, stored: StoredNilmModel, orgId: string): LiveNilmView {
  const appliances: Record<string, number> = {};
  let sum = 0;
  for (const [a, w] of Object.entries(b.appliances)) {
    const v = Number.isFinite(w) && w > 0 ? w : 0;
    appliances[a] = v;
    sum += v;
  }
  const mains = b.mains;
  if (sum > Math.max(0, mains)) {
    const k = sum > 0 ? Math.max(0, mains) / sum : 0;
    for (const a of Object.keys(appliances)) appliances[a] = appliances[a]! * k;
    sum = Math.max(0, mains);
  }
  return {
    facilityId: b.facilityId,
    orgId,
    ts: b.ts,
    periodMs: stored.model.periodMs,
    mains,
    appliances,
    residual: mains - sum,
    model: { id: stored.id, method: stored.method },
  };
}

/**
 * Trains a shared model from the store's sub-metered facilities over the last `historyMs`; undefined
 * (and a line saying why) when there is nothing to learn from.
 */
export async function trainSharedModel(
  store: Store,
  nowMs: number,
  o: LiveTrainOptions,
  log: Logger = silentLogger(),
): Promise<StoredNilmModel | undefined> {
  const method = getMethod(o.method ?? 'eventsig');
  if (!method)
    throw new InputError(`expected one of ${METHOD_NAMES.join(', ')}, got '${o.method}'`, {
      field: 'train.method',
    });
  const started = performance.now();
  const channels = (await store.catalog.listChannels()).filter(
    (c) => c.measurement === 'power' && (c.unit === 'W' || c.unit === 'kW'),
  );
  const meters = await store.catalog.listMeters();
  const facilityOf = new Map(meters.map((m) => [m.id, m.facilityId]));
  const mainsOf = new Map<string, number>();
  const subOf = new Set<string>();
  for (const c of channels) {
    const f = facilityOf.get(c.meterId);
    if (f === undefined) continue;
    if (c.isMains) mainsOf.set(f, Math.max(mainsOf.get(f) ?? 0, c.intervalMs ?? 0));
    else if (c.appliance) subOf.add(f);
  }
  const candidates = [...subOf]
    .filter((f) => mainsOf.has(f))
    .sort()
    .slice(0, o.maxFacilities ?? 5);
  if (candidates.length === 0) {
    log.info('no sub-metered facility in the store to train a model on');
    return undefined;
  }
  const periodMs = Math.max(o.periodMs ?? 10_000, ...candidates.map((f) => mainsOf.get(f)!));
  const to = Math.floor(nowMs / periodMs) * periodMs;
  const from = to - Math.floor((o.historyMs ?? 3 * 86_400_000) / periodMs) * periodMs;
  const houses: HouseSeries[] = [];
  for (const f of candidates) {
    const h = await loadFacility(store, f, from, to, periodMs);
    // At least an hour of mains, or the facility teaches nothing.
    if (h.length - h.missing.mainsMissing >= 3_600_000 / periodMs) houses.push(h);
  }
  const wanted: readonly string[] = o.appliances ?? LIVE_APPLIANCES;
  const appliances = wanted.filter((a) => houses.some((h) => hasData(h.appliances[a])));
  if (houses.length === 0 || appliances.length === 0) {
    log.info(
      `no sub-metered data between ${iso(from)} and ${iso(to)} in ${candidates.length} facility(ies); no model trained`,
    );
    return undefined;
  }
  const model = method.train(houses, appliances);
  const trainedOn = `store:${houses.map((h) => h.name.slice('store:'.length)).join(',')} ${iso(from)}..${iso(to)}`;
  const stored: StoredNilmModel = {
    id: `live-${method.name}-${new Date(nowMs).toISOString()}`,
    facilityId: null,
    method: method.name,
    trainedOn,
    trainedAt: nowMs,
    model,
  };
  log.info(
    `trained ${method.name} on ${houses.length} sub-metered facility(ies), ${appliances.join(', ')} at ${periodMs / 1000} s, in ${((performance.now() - started) / 1000).toFixed(1)} s; saved as shared model ${stored.id}`,
  );
  return stored;
}

function hasData(s: Float64Array | undefined): boolean {
  if (!s) return false;
  for (let i = 0; i < s.length; i++) if (s[i]! > 0) return true;
  return false;
}

const iso = (t: number): string => new Date(t).toISOString().slice(0, 16) + 'Z';
