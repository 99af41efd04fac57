/**
 * Configuration: parsed once from the environment (and CLI overrides), validated, frozen. A bad value
 * fails fast with a message that names the variable and says how to fix it.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors.ts';

const schema = z.object({
  /** Where embedded state lives (DuckDB file, Parquet lake, job folders). */
  dataDir: z.string().min(1),
  store: z.object({
    kind: z.enum(['duckdb', 'postgres']),
    duckdbPath: z.string().min(1),
    /** DuckDB connections for read-only queries; null for the store's default. */
    duckdbReadConnections: z.number().int().min(1).max(64).nullable(),
    postgresUrl: z.string().min(1),
    postgresSchema: z.string().regex(/^[a-z_][a-z0-9_]*$/),
  }),
  log: z.object({
    kind: z.enum(['memory', 'jetstream']),
    natsUrl: z.string().min(1),
    partitions: z.number().int().min(1).max(1024),
    /** JetStream stream name and subject prefix; a second platform on the same NATS uses its own. */
    stream: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only'),
    /** With JetStream: whether `start` also consumes partitions as one more worker (false: it only bridges and serves). */
    startConsumes: z.boolean(),
  }),
  mqtt: z.object({
    /** `embedded` runs aedes in-process; otherwise a broker URL such as mqtt://127.0.0.1:1883. */
    broker: z.string().min(1),
    port: z.number().int().min(0).max(65535),
    /** Client id of the subscriber on an external broker: its session survives restarts. Null: derived. */
    clientId: z.string().min(1).max(200).nullable(),
    /** First topic level(s) of device topics (`<root>/<org>/...`); a second platform on the same broker uses its own. */
    topicRoot: z
      .string()
      .regex(/^[^/+#\s]+(\/[^/+#\s]+)*$/, 'MQTT topic levels without wildcards, spaces or empty levels'),
  }),
  http: z.object({ host: z.string().min(1), port: z.number().int().min(0).max(65535) }),
  /** Per-device rate limit of the ingest: readings a second, and the burst a device may send at once. */
  ingest: z.object({
    ratePerSecond: z.number().int().min(1),
    burst: z.number().int().min(1),
  }),
  jobs: z.object({
    executor: z.enum(['local', 'slurm']),
    slurmPartition: z.string().min(1),
    sharedDir: z.string().min(1),
    workers: z.number().int().min(1).max(256),
  }),
  sim: z.object({
    enabled: z.boolean(),
    meters: z.number().int().min(0),
    seed: z.number().int(),
    backfillDays: z.number().int().min(0).max(366),
    pvShare: z.number().min(0).max(1),
    batteryShare: z.number().min(0).max(1),
  }),
  batch: z.object({ everySeconds: z.number().int().min(0) }),
  alerts: z.object({ webhook: z.string().url().nullable(), devicesFile: z.string().min(1).nullable() }),
  /** Alert e-mail: off while smtpUrl is null. */
  mail: z.object({
    smtpUrl: z
      .string()
      .regex(/^smtps?:\/\/[^/]+$/, 'expected smtp://[user:password@]host[:port] or smtps://…')
      .nullable(),
    from: z.string().min(3),
    /** Where users open the web app; links in e-mails point there. Null: the HTTP host and port. */
    publicUrl: z.string().url().nullable(),
  }),
  /** The Parquet lake of raw readings: off while dir is null. */
  lake: z.object({
    dir: z.string().min(1).nullable(),
    /** fdatasync every append to the lake's spool (survives a power cut, not only a killed process). */
    fsync: z.boolean(),
    /** Seconds a reading may wait in the spool before it is published as Parquet. */
    flushSeconds: z.number().int().min(1).max(86_400),
  }),
  /** Folder with the shared public data sets (REDD, AMPds, REFIT, Green Button). */
  sharedDataDir: z.string().min(1),
  productsDir: z.string().nullable(),
});

/** Validated, frozen configuration. */
export type Config = Readonly<z.infer<typeof schema>>;

/** Environment variables read, and what each sets. */
export const ENV_VARS = {
  LOADSCOPE_DATA_DIR_STATE: 'state folder (default ./.loadscope)',
  LOADSCOPE_STORE: 'duckdb (default) or postgres',
  LOADSCOPE_DUCKDB: 'DuckDB file (default <state>/loadscope.duckdb)',
  LOADSCOPE_DUCKDB_READERS: 'DuckDB connections for read-only queries, used side by side (default 3)',
  LOADSCOPE_PG_URL: 'PostgreSQL URL (default postgres://postgres@127.0.0.1:5432/postgres)',
  LOADSCOPE_PG_SCHEMA: 'PostgreSQL schema (default loadscope)',
  LOADSCOPE_LOG: 'reading log: memory (default) or jetstream',
  LOADSCOPE_NATS_URL: 'NATS server (default 127.0.0.1:4222)',
  LOADSCOPE_LOG_PARTITIONS: 'meter partitions of the JetStream log (default 16)',
  LOADSCOPE_LOG_STREAM: 'JetStream stream name and subject prefix (default loadscope)',
  LOADSCOPE_START_CONSUMES:
    'with jetstream: 1 (default) and `start` also consumes partitions as one more worker, 0 and it only bridges and serves, leaving the partitions to `loadscope worker`s',
  LOADSCOPE_MQTT: 'embedded (default) or an MQTT broker URL',
  LOADSCOPE_MQTT_PORT: 'port of the embedded MQTT broker (default 1884)',
  LOADSCOPE_MQTT_TOPIC_ROOT:
    'first topic level(s) of device topics, <root>/<org>/<meter>/...; one per platform sharing a broker (default loadscope)',
  LOADSCOPE_MQTT_CLIENT_ID:
    'client id on an external MQTT broker; its persistent session keeps messages while Loadscope is down (default loadscope-ingest-<host>-<HTTP port>)',
  LOADSCOPE_HOST: 'HTTP host (default 127.0.0.1)',
  LOADSCOPE_PORT: 'HTTP port (default 8080)',
  LOADSCOPE_INGEST_RATE:
    'readings a second one device may send (default 500000); more goes to the quarantine',
  LOADSCOPE_INGEST_BURST: 'readings one device may send at once above its rate (default 1000000)',
  LOADSCOPE_EXECUTOR: 'job executor: local (default) or slurm',
  LOADSCOPE_SLURM_PARTITION: 'Slurm partition (default debug)',
  LOADSCOPE_SHARED_DIR: 'folder shared with Slurm nodes (default <state>/jobs)',
  LOADSCOPE_WORKERS: 'local worker threads (default: cores)',
  LOADSCOPE_SIM: 'run the simulated fleet on start: 1 (default) or 0',
  LOADSCOPE_SIM_METERS: 'simulated meters on start (default 20)',
  LOADSCOPE_SEED: 'simulator seed (default 1)',
  LOADSCOPE_SIM_BACKFILL_DAYS: 'days of history the simulated fleet writes on start (default 3)',
  LOADSCOPE_SIM_PV_SHARE:
    'share of the simulated households with rooftop PV, 0..1 (default 0; docs/solar.md)',
  LOADSCOPE_SIM_BATTERY_SHARE: 'share of the simulated PV homes with a home battery, 0..1 (default 0.3)',
  LOADSCOPE_BATCH_EVERY:
    'seconds between incremental batch runs in `loadscope start` (default 60; 0 = never)',
  LOADSCOPE_LAKE:
    'Parquet lake folder of raw readings; in scale-out a folder every node shares (default <state>/lake; off: no lake)',
  LOADSCOPE_LAKE_FSYNC: 'fdatasync each lake append: 1 or 0 (default 0: survives kill -9, not a power cut)',
  LOADSCOPE_LAKE_FLUSH_SECONDS:
    'longest wait of a reading in the lake spool before it is published (default 60)',
  LOADSCOPE_DATA_DIR: 'shared public data sets (default ../shared/data)',
  LOADSCOPE_ALERT_WEBHOOK: 'URL that receives every new alert as a JSON POST (default none)',
  LOADSCOPE_DEVICES_FILE:
    'device token file, YAML or JSON, imported into the device registry on start (default <state>/devices.yaml when it exists)',
  LOADSCOPE_PRODUCTS_DIR: 'folder of custom analytic products (default none)',
  LOADSCOPE_SMTP_URL:
    'SMTP server for alert e-mail, smtp://[user:password@]host[:port] (STARTTLS when offered) or smtps://… (default none: no e-mail)',
  LOADSCOPE_MAIL_FROM: 'From address of alert e-mail (default Loadscope <loadscope@localhost>)',
  LOADSCOPE_PUBLIC_URL:
    'address users open the web app at, for links in e-mail (default http://<host>:<port>)',
} as const;

/** Reads configuration from `env`, with `overrides` on top; throws {@link ConfigError} on bad values. */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<Record<keyof typeof ENV_VARS, string>> = {},
): Config {
  const get = (k: keyof typeof ENV_VARS): string | undefined => overrides[k] ?? env[k] ?? undefined;
  const int = (k: keyof typeof ENV_VARS, dflt: number): number => {
    const raw = get(k);
    if (raw === undefined || raw === '') return dflt;
    const n = Number(raw);
    if (!Number.isInteger(n))
      throw new ConfigError(k, `expected a whole number, got '${raw}' (${ENV_VARS[k]})`);
    return n;
  };
  const atLeastOne = (k: keyof typeof ENV_VARS, dflt: number): number => {
    const n = int(k, dflt);
    if (n < 1) throw new ConfigError(k, `expected a whole number of at least 1, got ${n} (${ENV_VARS[k]})`);
    return n;
  };
  const share = (k: keyof typeof ENV_VARS, dflt: number): number => {
    const raw = get(k);
    if (raw === undefined || raw === '') return dflt;
    const n = Number(raw);
    if (!(n >= 0 && n <= 1))
      throw new ConfigError(k, `expected a share in 0..1, got '${raw}' (${ENV_VARS[k]})`);
    return n;
  };
  const flag = (k: keyof typeof ENV_VARS, dflt: boolean): boolean => {
    const raw = get(k);
    if (raw === undefined || raw === '') return dflt;
    if (raw !== '0' && raw !== '1')
      throw new ConfigError(k, `expected 1 or 0, got '${raw}' (${ENV_VARS[k]})`);
    return raw === '1';
  };
  const dataDir = get('LOADSCOPE_DATA_DIR_STATE') ?? '.loadscope';
  const raw = {
    dataDir,
    store: {
      kind: get('LOADSCOPE_STORE') ?? 'duckdb',
      duckdbPath: get('LOADSCOPE_DUCKDB') ?? join(dataDir, 'loadscope.duckdb'),
      duckdbReadConnections: get('LOADSCOPE_DUCKDB_READERS') ? int('LOADSCOPE_DUCKDB_READERS', 0) : null,
      postgresUrl: get('LOADSCOPE_PG_URL') ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      postgresSchema: get('LOADSCOPE_PG_SCHEMA') ?? 'loadscope',
    },
    log: {
      kind: get('LOADSCOPE_LOG') ?? 'memory',
      natsUrl: get('LOADSCOPE_NATS_URL') ?? '127.0.0.1:4222',
      partitions: int('LOADSCOPE_LOG_PARTITIONS', 16),
      stream: get('LOADSCOPE_LOG_STREAM') ?? 'loadscope',
      startConsumes: flag('LOADSCOPE_START_CONSUMES', true),
    },
    mqtt: {
      broker: get('LOADSCOPE_MQTT') ?? 'embedded',
      port: int('LOADSCOPE_MQTT_PORT', 1884),
      clientId: get('LOADSCOPE_MQTT_CLIENT_ID') ?? null,
      topicRoot: get('LOADSCOPE_MQTT_TOPIC_ROOT') ?? 'loadscope',
    },
    http: { host: get('LOADSCOPE_HOST') ?? '127.0.0.1', port: int('LOADSCOPE_PORT', 8080) },
    ingest: {
      ratePerSecond: atLeastOne('LOADSCOPE_INGEST_RATE', 500_000),
      burst: atLeastOne('LOADSCOPE_INGEST_BURST', 1_000_000),
    },
    jobs: {
      executor: get('LOADSCOPE_EXECUTOR') ?? 'local',
      slurmPartition: get('LOADSCOPE_SLURM_PARTITION') ?? 'debug',
      sharedDir: get('LOADSCOPE_SHARED_DIR') ?? join(dataDir, 'jobs'),
      workers: int('LOADSCOPE_WORKERS', Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 2)),
    },
    sim: {
      enabled: (get('LOADSCOPE_SIM') ?? '1') !== '0',
      meters: int('LOADSCOPE_SIM_METERS', 20),
      seed: int('LOADSCOPE_SEED', 1),
      backfillDays: int('LOADSCOPE_SIM_BACKFILL_DAYS', 3),
      pvShare: share('LOADSCOPE_SIM_PV_SHARE', 0),
      batteryShare: share('LOADSCOPE_SIM_BATTERY_SHARE', 0.3),
    },
    batch: { everySeconds: int('LOADSCOPE_BATCH_EVERY', 60) },
    alerts: {
      webhook: get('LOADSCOPE_ALERT_WEBHOOK') || null,
      devicesFile: get('LOADSCOPE_DEVICES_FILE') || null,
    },
    mail: {
      smtpUrl: get('LOADSCOPE_SMTP_URL') || null,
      from: get('LOADSCOPE_MAIL_FROM') || 'Loadscope <loadscope@localhost>',
      publicUrl: get('LOADSCOPE_PUBLIC_URL')?.replace(/\/+$/, '') || null,
    },
    lake: {
      dir: get('LOADSCOPE_LAKE') === 'off' ? null : (get('LOADSCOPE_LAKE') ?? join(dataDir, 'lake')),
      fsync: (get('LOADSCOPE_LAKE_FSYNC') ?? '0') === '1',
      flushSeconds: int('LOADSCOPE_LAKE_FLUSH_SECONDS', 60),
    },
    sharedDataDir: get('LOADSCOPE_DATA_DIR') ?? '../shared/data',
    productsDir: get('LOADSCOPE_PRODUCTS_DIR') ?? null,
  };
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') ?? 'config';
    throw new ConfigError(path, `${issue?.message ?? 'invalid'}; see the environment variables in README.md`);
  }
  return deepFreeze(parsed.data);
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
