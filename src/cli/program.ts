/**
 * Builds the `loadscope` program for one command line: the global options, and the commands of the
 * feature the line names (all features' summaries when it names none, for `--help`).
 */
import { Command } from 'commander';
import { commandName, FEATURES, featureOf } from './commands.ts';
import type { CliContext } from './context.ts';

/** Global options of every command; they override the environment variables named. */
export interface GlobalOptions {
  store?: string;
  db?: string;
  pg?: string;
  pgSchema?: string;
  stream?: string;
  topicRoot?: string;
}

/** The program with the commands `args` (the arguments after `loadscope`) need. */
export async function buildProgram(
  ctx: CliContext,
  args: readonly string[],
  /** Settings every command inherits (output, exit behaviour), applied before the commands exist. */
  configure: (program: Command) => void = () => {},
): Promise<Command> {
  const program = new Command('loadscope')
    .description('Streaming smart-meter and IoT energy analytics')
    .option('--store <kind>', 'store adapter: duckdb or postgres (env LOADSCOPE_STORE)')
    .option('--db <path>', 'DuckDB file (env LOADSCOPE_DUCKDB)')
    .option('--pg <url>', 'PostgreSQL URL (env LOADSCOPE_PG_URL)')
    .option('--pg-schema <name>', 'PostgreSQL schema (env LOADSCOPE_PG_SCHEMA)')
    .option('--stream <name>', 'JetStream stream and subject prefix (env LOADSCOPE_LOG_STREAM)')
    .option('--topic-root <root>', 'first level(s) of MQTT device topics (env LOADSCOPE_MQTT_TOPIC_ROOT)')
    .showHelpAfterError();
  configure(program);
  const feature = featureOf(commandName(args));
  if (feature) {
    (await feature.load())(program, ctx);
  } else {
    // Summaries only: the features load when one of their commands runs (or shows its own help).
    for (const f of FEATURES)
      for (const [name, summary] of Object.entries(f.commands)) program.command(name).summary(summary);
  }
  return program;
}

/** The environment overrides the global options stand for. */
export function globalOverrides(o: GlobalOptions): Record<string, string> {
  const overrides: Record<string, string> = {};
  if (o.store) overrides['LOADSCOPE_STORE'] = o.store;
  if (o.db) overrides['LOADSCOPE_DUCKDB'] = o.db;
  if (o.pg) overrides['LOADSCOPE_PG_URL'] = o.pg;
  if (o.pgSchema) overrides['LOADSCOPE_PG_SCHEMA'] = o.pgSchema;
  if (o.stream) overrides['LOADSCOPE_LOG_STREAM'] = o.stream;
  if (o.topicRoot) overrides['LOADSCOPE_MQTT_TOPIC_ROOT'] = o.topicRoot;
  return overrides;
}
