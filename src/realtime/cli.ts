/**
 * `loadscope start`: the whole platform in one process (see src/app.ts).
 * `loadscope worker`: one processing worker on the JetStream reading log; run several.
 */
import { parseGateway } from './gateways.ts';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createApp, type StartedApp } from '../app.ts';
import { adminSocketPath, connectAdmin, startAdminServer } from '../cli/admin-socket.ts';
import type { CliContext } from '../cli/context.ts';
import { commandRunner } from '../cli/serve-commands.ts';
import type { Config } from '../config.ts';
import { ConfigError, ConflictError } from '../errors.ts';
import { createConfiguredNotifier } from '../notify/wire.ts';
import type { Store } from '../store/store.ts';
import { errorLogger } from '../util/logger.ts';
import type { AlertForwarder } from './alerts.ts';
import { createChannelDirectory } from './directory.ts';
import { createEventHub } from './hub.ts';
import { createJetStreamLog } from './log/jetstream/index.ts';
import { runConsumer } from './log/run.ts';
import { createPipeline } from './pipeline.ts';
import { openConfiguredLake } from '../lake/open-lake.ts';

/** Resolves when the process receives SIGINT or SIGTERM. */
function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: string): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

const intOption = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError('option', `expected a whole number, got '${v}'`);
  return n;
};

/** Fails with a clear message when a server already runs on this configuration's DuckDB file. */
async function refuseSecondServer(config: Config): Promise<void> {
  const socket = adminSocketPath(config);
  const other = socket && existsSync(socket) ? await connectAdmin(socket) : undefined;
  if (!other) return;
  other.close();
  throw new ConflictError(
    `a Loadscope server already runs on ${config.store.duckdbPath} (pid ${other.pid}, ${other.url}); ` +
      'stop it first, or give this one another state folder (LOADSCOPE_DATA_DIR_STATE)',
  );
}

/**
 * Lets CLI commands run beside this server: the admin socket (DuckDB file only; with PostgreSQL
 * commands open the store themselves) and `<state>/server.json` with the addresses, for scripts.
 */
async function serveCommands(
  config: Config,
  store: Store,
  s: StartedApp,
  ctx: CliContext,
): Promise<{ close(): Promise<void> }> {
  const socket = adminSocketPath(config);
  const admin = socket
    ? await startAdminServer({
        path: socket,
        url: s.httpUrl,
        run: commandRunner({ config, store }),
        onError: errorLogger(ctx.log.child({ component: 'admin-socket' })),
      })
    : undefined;
  const info = join(config.dataDir, 'server.json');
  await mkdir(config.dataDir, { recursive: true });
  await writeFile(
    info,
    `${JSON.stringify({ pid: process.pid, http: s.httpUrl, mqtt: s.mqttUrl, adminSocket: socket ?? null, startedAt: new Date().toISOString() }, null, 2)}\n`,
  );
  return {
    async close() {
      await admin?.close();
      await rm(info, { force: true });
    },
  };
}

/** Registers the realtime feature's commands. */
export function registerRealtimeCommands(program: Command, ctx: CliContext): void {
  program
    .command('start')
    .description(
      'run ingest (MQTT + HTTP), stream processing, the store, the simulated fleet and the API in one process',
    )
    .option(
      '--devices <file>',
      'device token file (YAML/JSON) imported into the device registry on start; default <state>/devices.yaml',
    )
    .option('--webhook <url>', 'POST every new alert to this URL')
    .option(
      '--gateway <url>',
      'follow a meter gateway into the live layer (repeatable): tcp://host:port for DSMR P1, add ?format=sml for SML, &facility=<id>',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .action(async (o: { devices?: string; webhook?: string; gateway?: string[] }) => {
      const config = ctx.config();
      const gateways = (o.gateway ?? []).map(parseGateway);
      await refuseSecondServer(config);
      const app = createApp(config, {
        logger: ctx.log,
        ...(o.devices ? { deviceTokensFile: ctx.resolvePath(o.devices) } : {}),
        ...(o.webhook ? { alertWebhook: o.webhook } : {}),
        ...(gateways.length ? { gateways } : {}),
      });
      const s = await app.start();
      const admin = await serveCommands(config, app.store, s, ctx).catch(async (err: unknown) => {
        await app.stop();
        throw err;
      });
      ctx.out.write(
        `Loadscope is running\n  web and API: ${s.httpUrl}  (API docs ${s.httpUrl}/api/docs)\n  MQTT:        ${s.mqttUrl}\n  live push:   ${s.httpUrl}/api/v1/live (Server-Sent Events)\n`,
      );
      if (s.firstAdmin)
        ctx.out.write(
          `  first administrator: login '${s.firstAdmin.email}', password '${s.firstAdmin.password}' (shown once)\n`,
        );
      if (!existsSync(fileURLToPath(new URL('../../web/dist/index.html', import.meta.url))))
        ctx.err.write(
          '  note: the web application is not built; `npm start` builds it, or run `npm run build:web`\n',
        );
      // Listening before saying so: a SIGTERM sent on reading the line stops the server cleanly.
      const stopped = untilSignal();
      ctx.out.write('Press Ctrl+C to stop.\n');
      const sig = await stopped;
      ctx.log.info(`${sig}: stopping`);
      await admin.close();
      await app.stop();
    });

  program
    .command('worker')
    .description('process readings from the NATS JetStream reading log (run several; partitions are shared)')
    .option('--ack-wait <ms>', 'redelivery delay of unacknowledged batches', intOption, 10_000)
    .option('--heartbeat <ms>', 'membership heartbeat', intOption, 1000)
    .option('--batch <readings>', 'largest store write, grouping log messages', intOption, 20_000)
    .action(async (o: { ackWait: number; heartbeat: number; batch: number }) => {
      // The stream (global --stream or LOADSCOPE_LOG_STREAM) is the one `start` of the same deployment uses.
      const config = ctx.config();
      const store = await ctx.store();
      const directory = createChannelDirectory({ catalog: store.catalog });
      const logger = ctx.log.child({ component: 'worker' });
      const onError = errorLogger(logger);
      const forwarders: AlertForwarder[] = [];
      // Alerts raised here are e-mailed from here (the API process only pushes them to the web app).
      const mailer = createConfiguredNotifier({
        config,
        store,
        channelName: (id) => directory.byId(id)?.name,
        fallbackUrl: `http://${config.http.host}:${config.http.port}`,
        now: Date.now,
        logger: logger.child({ component: 'mail' }),
      });
      if (mailer) forwarders.push(mailer.forward);
      mailer?.start();
      const lake = await openConfiguredLake(config, directory, onError);
      const pipeline = createPipeline({
        store,
        directory,
        hub: createEventHub(),
        forwarders,
        onError,
        ...(lake ? { lake } : {}),
      });
      await pipeline.start();
      const log = await createJetStreamLog({
        servers: config.log.natsUrl,
        partitions: config.log.partitions,
        partitionKey: (id) => directory.byId(id)?.meterId,
        name: config.log.stream,
        ackWaitMs: o.ackWait,
        heartbeatMs: o.heartbeat,
        memberTimeoutMs: o.heartbeat * 3,
        onError,
      });
      // New alerts go to `loadscope start`, which pushes them to live subscribers.
      forwarders.push(async (a) => log.publishAlert(a));
      // Messages (one per partition of an ingested frame) are grouped up to 20,000 readings per store
      // write; the next group is gathered and processed while one is being written.
      const run = runConsumer(log, pipeline.handle, { onError, maxReadings: o.batch, inFlight: 2 });
      const stopped = untilSignal();
      ctx.out.write(
        `worker ${log.workerId} ready: stream ${config.log.stream}, ${config.log.partitions} partitions, store writes of up to ${o.batch} readings\n`,
      );
      const sig = await stopped;
      logger.info(`${sig}: worker stopping`);
      await run.drain();
      await pipeline.stop();
      await lake?.close();
      await mailer?.close();
      await log.close();
    });
}
