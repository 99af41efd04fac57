/**
 * The composition root: builds every part from the configuration and wires them together. One
 * process on the embedded defaults (DuckDB, in-process reading log, aedes broker, simulated fleet),
 * or the scale-out column (PostgreSQL, NATS JetStream with `loadscope worker` processes, an external
 * MQTT broker) by configuration. `start()` prints nothing itself: it returns the URLs.
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ensureFirstAdmin } from './api/accounts/service.ts';
import { createAuthenticator } from './api/authenticate.ts';
import { buildServer } from './api/server.ts';
import type { Config } from './config.ts';
import type { AlertForwarder } from './realtime/alerts.ts';
import { countingIngest, createDeviceActivity } from './devices/activity.ts';
import { createRegistryDeviceAuth } from './devices/auth.ts';
import { formatConflicts, importDeviceFileAt } from './devices/import.ts';
import { deviceRoutes } from './devices/routes.ts';
import { createDeviceService } from './devices/service.ts';
import { anyDeviceAuth, orgTokenAuth } from './realtime/device-auth.ts';
import { createChannelDirectory } from './realtime/directory.ts';
import { type GatewaySpec, startGateways } from './realtime/gateways.ts';
import { realtimeRoutes } from './realtime/http.ts';
import { type EventHub, createEventHub } from './realtime/hub.ts';
import { type IngestLimits, createIngest } from './realtime/ingest.ts';
import { type LiveFleet, startLiveFleet } from './realtime/live-fleet.ts';
import { createJetStreamLog } from './realtime/log/jetstream/index.ts';
import { createMemoryLog } from './realtime/log/memory/index.ts';
import type { ReadingLog } from './realtime/log/port.ts';
import { runConsumer } from './realtime/log/run.ts';
import { startEmbeddedBroker } from './realtime/mqtt-broker.ts';
import { startExternalSubscriber } from './realtime/mqtt-client.ts';
import { type PipelineOptions, createPipeline } from './realtime/pipeline.ts';
import { openConfiguredLake } from './lake/open-lake.ts';
import { createQuarantine } from './realtime/quarantine.ts';
import { createConnectionRegistry } from './realtime/revocations.ts';
import { mqttAlertForwarder, webhookForwarder } from './realtime/forward.ts';
import { startBatchSchedule } from './batch/schedule.ts';
import { createJobService } from './jobs/job-service.ts';
import { createNilmTask } from './jobs/nilm/nilm-task.ts';
import { jobRoutes } from './jobs/routes.ts';
import { liveNilmRoutes } from './nilm/live-routes.ts';
import { nilmRoutes } from './nilm/routes.ts';
import { notificationRoutes } from './notify/routes.ts';
import { loadExamplePrices } from './cost/examples.ts';
import { createConfiguredNotifier } from './notify/wire.ts';
import { type LiveNilmService, startLiveNilm } from './realtime/live-nilm.ts';
import { publishBreakdowns } from './realtime/nilm-push.ts';
import { createProductRegistry } from './scoring/registry.ts';
import { createScoreTask } from './scoring/score-task.ts';
import { createStoreScoringSources } from './scoring/sources.ts';
import { openStore } from './store/open-store.ts';
import type { Store } from './store/store.ts';

/** Options beyond the configuration (tests and benchmarks set them). */
export interface AppOptions {
  /** Diagnostics (default: stderr). */
  log?: (line: string) => void;
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

/** Builds the application from a validated configuration. */
export function createApp(config: Config, opts: AppOptions = {}): App {
  const say = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const now = opts.now ?? Date.now;
  const onError = (err: unknown): void => say(`error: ${err instanceof Error ? err.message : String(err)}`);
  const stops: (() => Promise<void>)[] = [];
  let store: Store | undefined;
  let http: FastifyInstance | undefined;

  /** The configured log; with JetStream, alerts raised by worker processes reach this process's hub. */
  const openLog = async (
    partitionOf: (channelId: string) => string | undefined,
    hub: EventHub,
    forwarders: AlertForwarder[],
  ): Promise<ReadingLog> => {
    if (config.log.kind !== 'jetstream') return createMemoryLog();
    const js = await createJetStreamLog({
      servers: config.log.natsUrl,
      partitions: config.log.partitions,
      name: config.log.stream,
      partitionKey: partitionOf,
      onError,
    });
    const stop = js.onAlert((alert) => hub.publish({ type: 'alert', alert }));
    stops.push(async () => stop());
    forwarders.push(async (a) => js.publishAlert(a));
    return js;
  };

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
        store = await openStore(config);
        const s = store;
        stops.push(() => s.close());
        const firstAdmin = await ensureFirstAdmin({ store: s, now });
        const directory = createChannelDirectory({ catalog: s.catalog, now });
        const hub = createEventHub();
        const quarantine = createQuarantine({ now });
        const tokensFile =
          opts.deviceTokensFile ?? config.alerts.devicesFile ?? join(config.dataDir, 'devices.yaml');
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
        stops.push(async () => stopRevocations());
        await s.revocations.ready();
        // The token file is an import into the registry now (idempotent: a restart changes nothing).
        if (existsSync(tokensFile)) {
          const r = await importDeviceFileAt({ store: s, now }, tokensFile);
          if (r.created.length > 0) say(`devices: ${r.created.length} imported from ${tokensFile}`);
          for (const line of formatConflicts(r)) say(`devices: not imported: ${line}`);
        }
        const deviceAuth = anyDeviceAuth(orgTokenAuth(authenticator), deviceRegistry);
        const activity = createDeviceActivity({ store: s, now, onError });
        activity.start();
        stops.push(() => activity.stop());

        const forwarders: AlertForwarder[] = [];
        const webhook = opts.alertWebhook ?? config.alerts.webhook;
        if (webhook) forwarders.push(webhookForwarder(webhook));
        // Alert e-mail (when an SMTP server is configured): queued and retried apart from the pipeline.
        const mailer = createConfiguredNotifier({
          config,
          store: s,
          channelName: (id) => directory.byId(id)?.name,
          fallbackUrl: `http://${config.http.host}:${config.http.port}`,
          now,
          log: say,
        });
        if (mailer) {
          forwarders.push(mailer.forward);
          mailer.start();
          stops.push(() => mailer.close());
        }
        // Closed after the log's consumer (stops run in reverse), so batches in flight reach it.
        const lake = await openConfiguredLake(config, directory, onError);
        if (lake) stops.push(() => lake.close());
        const pipeline = createPipeline(
          { store: s, directory, hub, forwarders, now, onError, ...(lake ? { lake } : {}) },
          opts.pipeline,
        );
        await pipeline.start();
        stops.push(() => pipeline.stop());
        const durable = await openLog((id) => directory.byId(id)?.meterId, hub, forwarders);
        stops.push(() => durable.close());
        // Live NILM reads its own queue (the in-process log has one consumer), fed by every append. Its
        // breakdowns are rebuilt from new readings after a restart, so appends to it need not wait.
        const nilmLog = createMemoryLog({ ack: 'queued' });
        // Filled once the fleet is loaded (it may train on it); routes and stop read it later.
        const liveNilm: { current?: LiveNilmService } = {};
        stops.push(async () => {
          await liveNilm.current?.stop();
          await nilmLog.close();
        });
        // Embedded: processors run at ingest (alerts without waiting for the store queue) and the log
        // feeds the store writer. JetStream: this process is one more worker doing both.
        const embedded = config.log.kind === 'memory';
        const log: ReadingLog = embedded
          ? {
              append: async (b) => {
                await pipeline.process(b);
                await durable.append(b);
                await nilmLog.append(b);
              },
              consume: (o) => durable.consume(o),
              close: () => durable.close(),
            }
          : {
              append: async (b) => {
                await durable.append(b);
                await nilmLog.append(b);
              },
              consume: (o) => durable.consume(o),
              close: () => durable.close(),
            };
        // The in-process log already groups appends into one message per write; JetStream messages (one
        // per partition of a frame) are grouped here, up to 20,000 readings per store write.
        const writer = runConsumer(durable, embedded ? pipeline.persist : pipeline.handle, {
          onError,
          maxReadings: embedded ? 0 : 20_000,
        });
        stops.push(() => writer.drain());
        const topicRoot = opts.topicRoot ?? config.mqtt.topicRoot;
        const ingest = countingIngest(
          createIngest({
            directory,
            log,
            quarantine,
            now,
            topicRoot,
            ...(opts.limits ? { limits: opts.limits } : {}),
          }),
          activity,
        );

        let mqttUrl: string;
        let publish: (topic: string, payload: string) => Promise<void>;
        if (config.mqtt.broker === 'embedded') {
          const broker = await startEmbeddedBroker({
            port: config.mqtt.port,
            host: config.http.host,
            deviceAuth,
            ingest,
            quarantine,
            topicRoot,
            onError,
            log: say,
            connections,
            // A publish refused before ingest (another facility's meter) counts as the device's refused readings.
            onRefusedPublish: (d, reason) =>
              d.deviceId && activity.record(d.deviceId, { accepted: 0, rejected: [{ reason }] }),
          });
          stops.push(() => broker.close());
          mqttUrl = `mqtt://${config.http.host}:${broker.port}`;
          publish = broker.publish;
        } else {
          const ext = await startExternalSubscriber({
            url: config.mqtt.broker,
            ingest,
            topicRoot,
            onError,
            // Stable, so the broker keeps the session (and unacknowledged messages) across a restart.
            clientId: config.mqtt.clientId ?? `loadscope-ingest-${hostname()}-${config.http.port}`,
          });
          stops.push(() => ext.close());
          mqttUrl = config.mqtt.broker;
          publish = ext.publish;
        }
        // Alerts are also published on <root>/<org>/alerts for devices and other systems.
        forwarders.push(mqttAlertForwarder((topic, payload) => publish(topic, payload), topicRoot));

        // Analytic products and jobs (scoring, NILM), run on the configured executor.
        const registry = await createProductRegistry({ customDir: config.productsDir });
        const jobs = createJobService({
          store: s,
          config,
          tasks: {
            score: createScoreTask({ registry, sources: createStoreScoringSources(), now }),
            nilm: createNilmTask(),
          },
        });
        stops.push(() => jobs.drain());

        http = await buildServer({
          config,
          store: s,
          now,
          auth: authenticator,
          plugins: [
            jobRoutes({ service: jobs, registry }),
            nilmRoutes(),
            deviceRoutes({
              service: createDeviceService({ store: s, now, activity }),
              connect: { mqttUrl, topicRoot },
            }),
            notificationRoutes({ mailer }),
            liveNilmRoutes({ live: { latest: (id) => liveNilm.current?.latest(id) } }),
            realtimeRoutes({
              ingest,
              deviceAuth,
              store: s,
              directory,
              hub,
              quarantine,
              now,
              onRulesChanged: pipeline.reload,
              metrics: pipeline.stats,
              connections,
            }),
          ],
        });
        const h = http;
        await h.listen({ port: config.http.port, host: config.http.host });
        stops.push(() => h.close());
        const addr = h.server.address();
        const port = typeof addr === 'object' && addr ? addr.port : config.http.port;

        if (config.sim.enabled && config.sim.meters > 0) {
          const fleet: LiveFleet = await startLiveFleet({
            store: s,
            log,
            orgId: opts.fleetOrgId ?? firstAdmin?.orgId ?? 'default',
            meters: config.sim.meters,
            seed: config.sim.seed,
            backfillMs: config.sim.backfillDays * 86_400_000,
            pvShare: config.sim.pvShare,
            batteryShare: config.sim.batteryShare,
            now,
            onError,
          });
          stops.push(() => fleet.stop());
          await directory.refresh(true);
          await pipeline.reload();
          // The fleet's tariff names need prices: the shipped examples, unless the organisation has its own.
          const fleetOrg = opts.fleetOrgId ?? firstAdmin?.orgId ?? 'default';
          if (await loadExamplePrices(s, fleetOrg, now()))
            say(
              `costs: example tariffs and grid intensity loaded for ${fleetOrg} (examples/tariffs, docs/costs.md)`,
            );
        }
        if (opts.gateways?.length) {
          const gw = startGateways(opts.gateways, {
            store: s,
            log,
            directory,
            orgId: firstAdmin?.orgId ?? 'default',
            say,
            now,
            onError,
          });
          stops.push(() => gw.stop());
        }
        // Live appliance breakdowns per facility (trains a shared model from sub-metered facilities if none
        // is stored), pushed live as `nilm` events.
        liveNilm.current = await startLiveNilm({
          store: s,
          log: nilmLog,
          now,
          onError,
          say,
          onBreakdown: publishBreakdowns(hub),
          train: { historyMs: Math.max(1, config.sim.backfillDays) * 86_400_000 },
        });
        // The batch layer follows the data: one run now (rollups of the backfill), then incremental runs;
        // each run refreshes the thresholds the overshoot rule compares against.
        if (config.batch.everySeconds > 0) {
          const batch = startBatchSchedule({
            store: s,
            everyMs: config.batch.everySeconds * 1000,
            now,
            onRun: () => pipeline.reload(),
            onError,
          });
          stops.push(() => batch.stop());
          const first = await batch.runNow();
          say(
            `batch: ${first.days} channel-day(s) rolled up, ${first.thresholds} threshold(s) in ${first.seconds.toFixed(1)} s; again every ${config.batch.everySeconds} s`,
          );
        }
        return {
          httpUrl: `http://${config.http.host}:${port}`,
          mqttUrl,
          ...(firstAdmin ? { firstAdmin: { email: firstAdmin.email, password: firstAdmin.password } } : {}),
        };
      } catch (err) {
        await this.stop();
        throw err;
      }
    },
    async stop() {
      // Reverse order of start: sources first, the store last.
      for (const stop of stops.splice(0).reverse()) await stop().catch(onError);
    },
  };
}
