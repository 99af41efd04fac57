/**
 * The composition root: builds every part from the configuration and wires them together. One
 * process on the embedded defaults (DuckDB, in-process reading log, aedes broker, simulated fleet),
 * or the scale-out column (PostgreSQL, NATS JetStream with `loadscope worker` processes, an external
 * MQTT broker) by configuration. `start()` prints nothing itself: it returns the URLs, and
 * diagnostics go to the logger (one child logger per component). `start` runs named steps in order;
 * each step leaves its undo in `stops`, which `stop()` runs in reverse.
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { ensureFirstAdmin } from './api/accounts/service.ts';
import { type Authenticator, createAuthenticator } from './api/authenticate.ts';
import { buildServer } from './api/server.ts';
import { type Generations, createGenerations } from './api/serving/generations.ts';
import { notifyingStore } from './api/serving/notifying-store.ts';
import type { Config } from './config.ts';
import type { AlertForwarder } from './realtime/alerts.ts';
import { countingIngest, createDeviceActivity, type DeviceActivityTracker } from './devices/activity.ts';
import { createRegistryDeviceAuth } from './devices/auth.ts';
import { formatConflicts, importDeviceFileAt } from './devices/import.ts';
import { deviceRoutes } from './devices/routes.ts';
import { createDeviceService } from './devices/service.ts';
import { anyDeviceAuth, type DeviceAuth, orgTokenAuth } from './realtime/device-auth.ts';
import { type ChannelDirectory, createChannelDirectory } from './realtime/directory.ts';
import { type GatewaySpec, startGateways } from './realtime/gateways.ts';
import { realtimeRoutes } from './api/routes/realtime/index.ts';
import { type EventHub, createEventHub } from './realtime/hub.ts';
import { type Ingest, type IngestLimits, createIngest } from './realtime/ingest.ts';
import { type LiveFleet, startLiveFleet } from './realtime/live-fleet.ts';
import { createJetStreamLog } from './realtime/log/jetstream/index.ts';
import { createMemoryLog } from './realtime/log/memory/index.ts';
import type { ReadingLog } from './realtime/log/port.ts';
import { runConsumer } from './realtime/log/run.ts';
import { startEmbeddedBroker } from './realtime/mqtt-broker.ts';
import { startExternalSubscriber } from './realtime/mqtt-client.ts';
import { type Pipeline, type PipelineOptions, createPipeline } from './realtime/pipeline.ts';
import { openConfiguredLake } from './lake/open-lake.ts';
import { type Quarantine, createQuarantine } from './realtime/quarantine.ts';
import { type ConnectionRegistry, createConnectionRegistry } from './realtime/revocations.ts';
import { mqttAlertForwarder, webhookForwarder } from './realtime/forward.ts';
import { startBatchSchedule } from './batch/schedule.ts';
import { createJobService } from './jobs/job-service.ts';
import { createNilmTask } from './jobs/nilm/nilm-task.ts';
import { jobRoutes } from './jobs/routes.ts';
import { liveNilmRoutes } from './nilm/live-routes.ts';
import { nilmRoutes } from './nilm/routes.ts';
import { notificationRoutes } from './notify/routes.ts';
import { loadExamplePrices } from './cost/examples.ts';
import type { EmailNotifier } from './notify/notifier.ts';
import { createConfiguredNotifier } from './notify/wire.ts';
import { type LiveNilmService, startLiveNilm } from './realtime/live-nilm.ts';
import { publishBreakdowns } from './realtime/nilm-push.ts';
import { createProductRegistry } from './scoring/registry.ts';
import { createScoreTask } from './scoring/score-task.ts';
import { createStoreScoringSources } from './scoring/sources.ts';
import { openStore } from './store/open-store.ts';
import { openRetentionLake, withTieredReadings } from './retention/open.ts';
import { retentionRoutes } from './retention/routes.ts';
import { type RetentionService, createRetentionService } from './retention/service.ts';
import type { Store } from './store/store.ts';
import { errorLogger, type Logger, processLogger } from './util/logger.ts';

/** Options beyond the configuration (tests and benchmarks set them). */
export interface AppOptions {
  /** Diagnostics (default: the process logger on stderr, `LOG_LEVEL` and `LOG_FORMAT`). */
  logger?: Logger;
  /** Ingest limits (default {@link DEFAULT_LIMITS}). */
  limits?: Partial<IngestLimits>;
  pipeline?: PipelineOptions;
  /** Device token file (YAML/JSON) imported into the registry on start; default `<dataDir>/devices.yaml` when it exists. */
  deviceTokensFile?: string;
  /** First MQTT topic level; default `loadscope`. */
  topicRoot?: string;
  /** Webhook that receives every new alert as JSON (POST). */
  alertWebhook?: string;
  /** Organisation of the simulated fleet; default the first administrator's (`default`). */
  fleetOrgId?: string;
  /** Meter gateways to follow into the reading log (`--gateway`), see {@link parseGateway}. */
  gateways?: GatewaySpec[];
  now?: () => number;
}

/** What `start()` reports. */
export interface StartedApp {
  httpUrl: string;
  mqttUrl: string;
  /** Credentials of the administrator created on first start, to print once. */
  firstAdmin?: { email: string; password: string };
}

/** The running platform. */
export interface App {
  start(): Promise<StartedApp>;
  stop(): Promise<void>;
  /** Available after start (tests). */
  readonly store: Store;
  readonly http: FastifyInstance;
}

/** What every start step reads, and where it leaves what `stop()` undoes (run in reverse order). */
interface Wiring {
  readonly config: Config;
  readonly opts: AppOptions;
  readonly now: () => number;
  readonly log: Logger;
  readonly stops: (() => Promise<void>)[];
  /** What the store reports its writes to; the API's serving layer drops the answers they touch. */
  readonly generations: Generations;
}

/** A component's child logger and the `onError` callback its module takes. */
function component(w: Wiring, name: string): { log: Logger; onError: (err: unknown) => void } {
  const log = w.log.child({ component: name });
  return { log, onError: errorLogger(log) };
}

/** Builds the application from a validated configuration. */
export function createApp(config: Config, opts: AppOptions = {}): App {
  const w: Wiring = {
    config,
    opts,
    now: opts.now ?? Date.now,
    log: opts.logger ?? processLogger(),
    stops: [],
    generations: createGenerations(),
  };
  let store: Store | undefined;
  let http: FastifyInstance | undefined;
  return {
    get store() {
      if (!store) throw new Error('app not started');
      return store;
    },
    get http() {
      if (!http) throw new Error('app not started');
      return http;
    },
    async start() {
      try {
        // Every feature of the process writes through this one store, so the API's serving layer
        // hears of each batch run, import, reading and alert. Raw reads reach into the lake below each
        // organisation's retention boundary (docs/retention.md).
        store = notifyingStore(withTieredReadings(await openStore(config), config), w.generations);
        const s = store;
        w.stops.push(() => s.close());
        const started = await startAll(w, s);
        http = started.http;
        return started.app;
      } catch (err) {
        await this.stop();
        throw err;
      }
    },
    async stop() {
      // Reverse order of start: sources first, the store last.
      const { onError } = component(w, 'app');
      for (const stop of w.stops.splice(0).reverse()) await stop().catch(onError);
    },
  };
}

/** Every part in order on an open store: access, alerts out, processing, ingest, HTTP, then the sources. */
async function startAll(w: Wiring, s: Store): Promise<{ app: StartedApp; http: FastifyInstance }> {
  const access = await startAccess(w, s);
  const directory = createChannelDirectory({ catalog: s.catalog, now: w.now });
  const hub = createEventHub();
  const quarantine = createQuarantine({ now: w.now });
  const { forwarders, mailer } = startForwarders(w, s, directory);
  const processing = await startProcessing(w, { store: s, directory, hub, forwarders });
  const topicRoot = w.opts.topicRoot ?? w.config.mqtt.topicRoot;
  const ingest = countingIngest(
    createIngest({
      directory,
      log: processing.log,
      quarantine,
      now: w.now,
      topicRoot,
      limits: {
        rate: { perSecond: w.config.ingest.ratePerSecond, burst: w.config.ingest.burst },
        ...w.opts.limits,
      },
    }),
    access.activity,
  );
  const broker = await startBroker(w, { access, ingest, quarantine, topicRoot });
  // Alerts are also published on <root>/<org>/alerts for devices and other systems.
  forwarders.push(mqttAlertForwarder((topic, payload) => broker.publish(topic, payload), topicRoot));
  const plugins = await apiPlugins(w, s, {
    access,
    directory,
    hub,
    quarantine,
    ingest,
    mailer,
    processing,
    connect: { mqttUrl: broker.mqttUrl, topicRoot },
  });
  const { http, port } = await startHttp(w, s, access.authenticator, plugins);
  const orgId = access.firstAdmin?.orgId ?? 'default';
  await startFleet(w, s, { log: processing.log, directory, pipeline: processing.pipeline, orgId });
  if (w.opts.gateways?.length) {
    const { log, onError } = component(w, 'gateway');
    const gw = startGateways(w.opts.gateways, {
      store: s,
      log: processing.log,
      directory,
      orgId,
      logger: log,
      now: w.now,
      onError,
    });
    w.stops.push(() => gw.stop());
  }
  await startLiveNilmService(w, s, processing, hub);
  await startBatch(w, s, processing.pipeline);
  const { firstAdmin } = access;
  const app: StartedApp = {
    httpUrl: `http://${w.config.http.host}:${port}`,
    mqttUrl: broker.mqttUrl,
    ...(firstAdmin ? { firstAdmin: { email: firstAdmin.email, password: firstAdmin.password } } : {}),
  };
  return { app, http };
}

/** Who may do what: the first administrator, token and device verification, revocations, activity. */
interface Access {
  firstAdmin: Awaited<ReturnType<typeof ensureFirstAdmin>>;
  authenticator: Authenticator;
  deviceAuth: DeviceAuth;
  connections: ConnectionRegistry;
  activity: DeviceActivityTracker;
}

async function startAccess(w: Wiring, s: Store): Promise<Access> {
  const { now } = w;
  const { log, onError } = component(w, 'access');
  const firstAdmin = await ensureFirstAdmin({ store: s, now });
  // One verifier, one cache, for the API, the live push, MQTT and HTTP ingest.
  const authenticator = createAuthenticator({ store: s, now });
  // Revoking a token or ending a session closes the MQTT clients and live streams it opened, in
  // this process at once and in the others through the store (PostgreSQL NOTIFY); so does
  // rotating or revoking a registered device's token, or moving it to another facility.
  const deviceRegistry = createRegistryDeviceAuth({ store: s, now });
  const connections = createConnectionRegistry({
    check: async (c) =>
      c.deviceId === undefined
        ? authenticator.credentialState(c)
        : deviceRegistry.credentialState({
            deviceId: c.deviceId,
            ...(c.deviceKey ? { deviceKey: c.deviceKey } : {}),
          }),
    onError,
  });
  const stopRevocations = s.revocations.watch((r) => {
    deviceRegistry.invalidate(r);
    connections.revoke(r);
  });
  w.stops.push(async () => stopRevocations());
  await s.revocations.ready();
  // The token file is an import into the registry now (idempotent: a restart changes nothing).
  const tokensFile =
    w.opts.deviceTokensFile ?? w.config.alerts.devicesFile ?? join(w.config.dataDir, 'devices.yaml');
  if (existsSync(tokensFile)) {
    const devicesLog = log.child({ component: 'devices', file: tokensFile });
    const r = await importDeviceFileAt({ store: s, now }, tokensFile);
    if (r.created.length > 0) devicesLog.info(`${r.created.length} device(s) imported from ${tokensFile}`);
    for (const line of formatConflicts(r)) devicesLog.warn(`not imported: ${line}`);
  }
  const deviceAuth = anyDeviceAuth(orgTokenAuth(authenticator), deviceRegistry);
  const activity = createDeviceActivity({ store: s, now, onError: component(w, 'devices').onError });
  activity.start();
  w.stops.push(() => activity.stop());
  return { firstAdmin, authenticator, deviceAuth, connections, activity };
}

/** Where new alerts go besides the store and the live push: the webhook and e-mail, when configured. */
function startForwarders(
  w: Wiring,
  s: Store,
  directory: ChannelDirectory,
): { forwarders: AlertForwarder[]; mailer: EmailNotifier | undefined } {
  const forwarders: AlertForwarder[] = [];
  const webhook = w.opts.alertWebhook ?? w.config.alerts.webhook;
  if (webhook) forwarders.push(webhookForwarder(webhook));
  // Alert e-mail (when an SMTP server is configured): queued and retried apart from the pipeline.
  const mailer = createConfiguredNotifier({
    config: w.config,
    store: s,
    channelName: (id) => directory.byId(id)?.name,
    fallbackUrl: `http://${w.config.http.host}:${w.config.http.port}`,
    now: w.now,
    logger: component(w, 'mail').log,
  });
  if (mailer) {
    forwarders.push(mailer.forward);
    mailer.start();
    w.stops.push(() => mailer.close());
  }
  return { forwarders, mailer };
}

/** The reading path: the pipeline, the log that feeds it and live NILM, and the store writer. */
interface Processing {
  pipeline: Pipeline;
  /** What ingest, the fleet and gateways append to. */
  log: ReadingLog;
  /** Live NILM's own queue, fed by every append. */
  nilmLog: ReadingLog;
  /** Filled once the fleet is loaded (it may train on it); routes and stop read it later. */
  liveNilm: { current?: LiveNilmService };
}

async function startProcessing(
  w: Wiring,
  deps: { store: Store; directory: ChannelDirectory; hub: EventHub; forwarders: AlertForwarder[] },
): Promise<Processing> {
  const { store, directory, hub, forwarders } = deps;
  // Closed after the log's consumer (stops run in reverse), so batches in flight reach it.
  const lake = await openConfiguredLake(w.config, directory, component(w, 'lake').onError);
  if (lake) w.stops.push(() => lake.close());
  const pipeline = createPipeline(
    {
      store,
      directory,
      hub,
      forwarders,
      now: w.now,
      onError: component(w, 'pipeline').onError,
      ...(lake ? { lake } : {}),
    },
    w.opts.pipeline,
  );
  await pipeline.start();
  w.stops.push(() => pipeline.stop());
  const durable = await openReadingLog(w, (id) => directory.byId(id)?.meterId, hub, forwarders);
  w.stops.push(() => durable.close());
  // Live NILM reads its own queue (the in-process log has one consumer), fed by every append. Its
  // breakdowns are rebuilt from new readings after a restart, so appends to it need not wait.
  const nilmLog = createMemoryLog({ ack: 'queued' });
  const liveNilm: { current?: LiveNilmService } = {};
  w.stops.push(async () => {
    await liveNilm.current?.stop();
    await nilmLog.close();
  });
  // Embedded: processors run at ingest (alerts without waiting for the store queue) and the log
  // feeds the store writer. JetStream: this process is one more worker doing both.
  const embedded = w.config.log.kind === 'memory';
  const log: ReadingLog = {
    append: async (b) => {
      if (embedded) await pipeline.process(b);
      await durable.append(b);
      await nilmLog.append(b);
    },
    consume: (o) => durable.consume(o),
    close: () => durable.close(),
  };
  // The in-process log already groups appends into one message per write; JetStream messages (one
  // per partition of a frame) are grouped here, up to 20,000 readings per store write.
  if (embedded || w.config.log.startConsumes) {
    const writer = runConsumer(durable, embedded ? pipeline.persist : pipeline.handle, {
      onError: component(w, 'writer').onError,
      maxReadings: embedded ? 0 : 20_000,
      inFlight: embedded ? 1 : 2,
    });
    w.stops.push(() => writer.drain());
  }
  return { pipeline, log, nilmLog, liveNilm };
}

/** The configured log; with JetStream, alerts raised by worker processes reach this process's hub. */
async function openReadingLog(
  w: Wiring,
  partitionOf: (channelId: string) => string | undefined,
  hub: EventHub,
  forwarders: AlertForwarder[],
): Promise<ReadingLog> {
  const { config } = w;
  if (config.log.kind !== 'jetstream') return createMemoryLog();
  const js = await createJetStreamLog({
    servers: config.log.natsUrl,
    partitions: config.log.partitions,
    name: config.log.stream,
    partitionKey: partitionOf,
    onError: component(w, 'jetstream').onError,
  });
  const stop = js.onAlert((alert) => hub.publish({ type: 'alert', alert }));
  w.stops.push(async () => stop());
  forwarders.push(async (a) => js.publishAlert(a));
  return js;
}

/** The device broker: the embedded aedes, or a subscriber on the configured broker. */
async function startBroker(
  w: Wiring,
  deps: { access: Access; ingest: Ingest; quarantine: Quarantine; topicRoot: string },
): Promise<{ mqttUrl: string; publish: (topic: string, payload: string) => Promise<void> }> {
  const { config } = w;
  const { access, ingest, topicRoot } = deps;
  const { log, onError } = component(w, 'mqtt');
  if (config.mqtt.broker === 'embedded') {
    const broker = await startEmbeddedBroker({
      port: config.mqtt.port,
      host: config.http.host,
      deviceAuth: access.deviceAuth,
      ingest,
      quarantine: deps.quarantine,
      topicRoot,
      onError,
      logger: log,
      connections: access.connections,
      // A publish refused before ingest (another facility's meter) counts as the device's refused readings.
      onRefusedPublish: (d, reason) =>
        d.deviceId && access.activity.record(d.deviceId, { accepted: 0, rejected: [{ reason }] }),
    });
    w.stops.push(() => broker.close());
    return { mqttUrl: `mqtt://${config.http.host}:${broker.port}`, publish: broker.publish };
  }
  const ext = await startExternalSubscriber({
    url: config.mqtt.broker,
    ingest,
    topicRoot,
    onError,
    // Stable, so the broker keeps the session (and unacknowledged messages) across a restart.
    clientId: config.mqtt.clientId ?? `loadscope-ingest-${hostname()}-${config.http.port}`,
  });
  w.stops.push(() => ext.close());
  return { mqttUrl: config.mqtt.broker, publish: ext.publish };
}

/** The feature routes beside the core API: jobs (on the configured executor), NILM, devices, mail, live. */
async function apiPlugins(
  w: Wiring,
  s: Store,
  deps: {
    access: Access;
    directory: ChannelDirectory;
    hub: EventHub;
    quarantine: Quarantine;
    ingest: Ingest;
    mailer: EmailNotifier | undefined;
    processing: Processing;
    connect: { mqttUrl: string; topicRoot: string };
  },
): Promise<FastifyPluginAsync[]> {
  const { now } = w;
  const { access, processing } = deps;
  const registry = await createProductRegistry({ customDir: w.config.productsDir });
  const jobs = createJobService({
    store: s,
    config: w.config,
    tasks: {
      score: createScoreTask({ registry, sources: createStoreScoringSources(), now }),
      nilm: createNilmTask(),
    },
  });
  w.stops.push(() => jobs.drain());
  const retention = startRetention(w, s);
  return [
    retentionRoutes({ service: retention }),
    jobRoutes({ service: jobs, registry }),
    nilmRoutes(),
    deviceRoutes({
      service: createDeviceService({ store: s, now, activity: access.activity }),
      connect: deps.connect,
    }),
    notificationRoutes({ mailer: deps.mailer }),
    liveNilmRoutes({ live: { latest: (id) => processing.liveNilm.current?.latest(id) } }),
    realtimeRoutes({
      ingest: deps.ingest,
      deviceAuth: access.deviceAuth,
      store: s,
      directory: deps.directory,
      hub: deps.hub,
      quarantine: deps.quarantine,
      now,
      onRulesChanged: processing.pipeline.reload,
      metrics: processing.pipeline.stats,
      connections: access.connections,
    }),
  ];
}

/** Daily retention runs (and runs by hand through the API); none when the lake is off. */
function startRetention(w: Wiring, s: Store): RetentionService | undefined {
  if (w.config.lake.dir === null) return undefined;
  const { log, onError } = component(w, 'retention');
  const service = createRetentionService({
    store: s,
    openLake: () => openRetentionLake(w.config, s),
    now: w.now,
    log: (line) => log.info(line),
    onError,
  });
  service.schedule();
  w.stops.push(() => service.stop());
  return service;
}

/** The API and web app, listening; the port it got (the configured one, or the one given for 0). */
async function startHttp(
  w: Wiring,
  s: Store,
  auth: Authenticator,
  plugins: FastifyPluginAsync[],
): Promise<{ http: FastifyInstance; port: number }> {
  const { config } = w;
  const http = await buildServer({
    config,
    store: s,
    generations: w.generations,
    now: w.now,
    auth,
    plugins,
  });
  await http.listen({ port: config.http.port, host: config.http.host });
  w.stops.push(() => http.close());
  const addr = http.server.address();
  return { http, port: typeof addr === 'object' && addr ? addr.port : config.http.port };
}

/** The simulated fleet (`LOADSCOPE_SIM`): backfilled, then streaming live, with example tariffs. */
async function startFleet(
  w: Wiring,
  s: Store,
  deps: { log: ReadingLog; directory: ChannelDirectory; pipeline: Pipeline; orgId: string },
): Promise<void> {
  const { config, now } = w;
  if (!config.sim.enabled || config.sim.meters <= 0) return;
  const orgId = w.opts.fleetOrgId ?? deps.orgId;
  const fleet: LiveFleet = await startLiveFleet({
    store: s,
    log: deps.log,
    orgId,
    meters: config.sim.meters,
    seed: config.sim.seed,
    backfillMs: config.sim.backfillDays * 86_400_000,
    pvShare: config.sim.pvShare,
    batteryShare: config.sim.batteryShare,
    now,
    onError: component(w, 'fleet').onError,
  });
  w.stops.push(() => fleet.stop());
  await deps.directory.refresh(true);
  await deps.pipeline.reload();
  // The fleet's tariff names need prices: the shipped examples, unless the organisation has its own.
  if (await loadExamplePrices(s, orgId, now()))
    component(w, 'costs').log.info(
      `example tariffs and grid intensity loaded for ${orgId} (examples/tariffs, docs/costs.md)`,
    );
}

/**
 * Live appliance breakdowns per facility (trains a shared model from sub-metered facilities if none
 * is stored), pushed live as `nilm` events.
 */
async function startLiveNilmService(
  w: Wiring,
  s: Store,
  processing: Processing,
  hub: EventHub,
): Promise<void> {
  const { log, onError } = component(w, 'live-nilm');
  processing.liveNilm.current = await startLiveNilm({
    store: s,
    log: processing.nilmLog,
    now: w.now,
    onError,
    logger: log,
    onBreakdown: publishBreakdowns(hub),
    train: { historyMs: Math.max(1, w.config.sim.backfillDays) * 86_400_000 },
  });
}

/**
 * The batch layer follows the data: one run now (rollups of the backfill), then incremental runs;
 * each run refreshes the thresholds the overshoot rule compares against.
 */
async function startBatch(w: Wiring, s: Store, pipeline: Pipeline): Promise<void> {
  const every = w.config.batch.everySeconds;
  if (every <= 0) return;
  const { log, onError } = component(w, 'batch');
  const batch = startBatchSchedule({
    store: s,
    everyMs: every * 1000,
    now: w.now,
    onRun: () => pipeline.reload(),
    onError,
  });
  w.stops.push(() => batch.stop());
  const first = await batch.runNow();
  log.info(
    `${first.days} channel-day(s) rolled up, ${first.thresholds} threshold(s) in ${first.seconds.toFixed(1)} s; again every ${every} s`,
  );
}
