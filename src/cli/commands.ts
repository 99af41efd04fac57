/**
 * The command manifest: which feature registers which top-level command, loaded only when that
 * command runs. Loading every feature to print `--help` or to run `loadscope user list` cost about
 * 1.5 s (the server, the simulator and NILM pull in Fastify, MQTT and DuckDB); with the manifest a
 * command loads its own feature only, and `loadscope --help` loads none.
 */
import type { Command } from 'commander';
import type { CliContext } from './context.ts';

/** Registers a feature's commands on the program. */
export type Register = (program: Command, ctx: CliContext) => void;

/** One feature's top-level commands, with the one-line summaries shown by `loadscope --help`. */
export interface FeatureCommands {
  /** Top-level command names and their summaries. */
  readonly commands: Readonly<Record<string, string>>;
  /** Imports the feature's CLI module. */
  readonly load: () => Promise<Register>;
}

/** Every feature with commands, in the order `--help` lists them. */
export const FEATURES: readonly FeatureCommands[] = [
  {
    commands: { import: 'import meter data files or follow a P1 gateway' },
    load: async () => (await import('../ingest/cli.ts')).registerImportCommands,
  },
  {
    commands: {
      batch: 'recompute hourly/daily rollups and percentile thresholds of what changed',
      query: 'print rollups, thresholds or readings (table, CSV or JSON)',
      export: 'write readings or rollups to a CSV or Parquet file',
    },
    load: async () => (await import('../batch/cli.ts')).registerBatchCommands,
  },
  {
    commands: {
      tariffs: "import or list an organisation's tariffs and grid-intensity profiles",
      costs: 'print cost and CO2 per hour, day or month, per channel, meter, facility or zip code',
    },
    load: async () => (await import('../cost/cli.ts')).registerCostCommands,
  },
  {
    commands: { simulate: 'a simulated fleet with ground truth: files, store load, live MQTT/HTTP replay' },
    load: async () => (await import('../sim/cli.ts')).registerSimulateCommands,
  },
  {
    commands: {
      start: 'run the platform (ingest, stream processing, batch, API and web) in one process',
      worker: 'process readings from the NATS JetStream reading log (scale-out)',
    },
    load: async () => (await import('../realtime/cli.ts')).registerRealtimeCommands,
  },
  {
    commands: { lake: 'the Parquet lake of raw readings: status, compact, count' },
    load: async () => (await import('../lake/cli.ts')).registerLakeCommands,
  },
  {
    commands: {
      retention: 'how long raw readings stay in the store; older ones live in the lake: show, set, run',
    },
    load: async () => (await import('../retention/cli.ts')).registerRetentionCommands,
  },
  {
    commands: { nilm: 'non-intrusive load monitoring: evaluate, train, disaggregate' },
    load: async () => (await import('../nilm/cli.ts')).registerNilmCommands,
  },
  {
    commands: {
      job: 'run analyses as sharded jobs, locally or on Slurm',
      score: 'read scores of analytic products',
      products: 'analytic products available (built-in and custom)',
    },
    load: async () => (await import('../jobs/cli.ts')).registerJobCommands,
  },
  {
    commands: { user: 'users of an organisation', token: 'API tokens for devices and scripts' },
    load: async () => (await import('../api/cli.ts')).registerApiCommands,
  },
  {
    commands: { devices: 'the device registry: provision, rotate, revoke, assign, import a token file' },
    load: async () => (await import('../devices/cli.ts')).registerDeviceCommands,
  },
];

/**
 * Commands that are processes of their own (a server, a worker): they never run inside a server
 * for a client, and a DuckDB file held by a server is an error for them, not a reason to forward.
 */
export const OWN_PROCESS_COMMANDS: ReadonlySet<string> = new Set(['start', 'worker']);

/** Global options that take a value (they may stand before the command name). */
const VALUE_OPTIONS = new Set(['--store', '--db', '--pg', '--pg-schema', '--stream', '--topic-root']);

/**
 * The command a command line names (`loadscope --db x.duckdb batch --full` names `batch`;
 * `loadscope help batch` names `batch` too), or undefined when it names none.
 */
export function commandName(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (VALUE_OPTIONS.has(a)) i++;
    else if (a === 'help') return args[i + 1];
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}

/** The feature that registers `name`, if any. */
export function featureOf(name: string | undefined): FeatureCommands | undefined {
  return name === undefined ? undefined : FEATURES.find((f) => Object.hasOwn(f.commands, name));
}
