/**
 * The `loadscope` command line. Each feature registers its own commands; this file only builds the
 * program, the shared context and the one boundary that turns errors into messages and exit codes.
 */
import { Command } from 'commander';
import { registerBatchCommands } from './batch/cli.ts';
import type { CliContext } from './cli/context.ts';
import { type Config, loadConfig } from './config.ts';
import { LoadscopeError } from './errors.ts';
import { registerImportCommands } from './ingest/cli.ts';
import { registerJobCommands } from './jobs/cli.ts';
import { registerNilmCommands } from './nilm/cli.ts';
import { registerRealtimeCommands } from './realtime/cli.ts';
import { registerSimulateCommands } from './sim/cli.ts';
import { registerApiCommands } from './api/cli.ts';
import { openStore } from './store/open-store.ts';
import type { Store } from './store/store.ts';

async function main(argv: string[]): Promise<number> {
  const program = new Command('loadscope')
    .description('Streaming smart-meter and IoT energy analytics')
    .option('--store <kind>', 'store adapter: duckdb or postgres (env LOADSCOPE_STORE)')
    .option('--db <path>', 'DuckDB file (env LOADSCOPE_DUCKDB)')
    .option('--pg <url>', 'PostgreSQL URL (env LOADSCOPE_PG_URL)')
    .option('--pg-schema <name>', 'PostgreSQL schema (env LOADSCOPE_PG_SCHEMA)')
    .showHelpAfterError();
  let config: Config | undefined;
  let store: Promise<Store> | undefined;
  const ctx: CliContext = {
    out: process.stdout,
    err: process.stderr,
    config() {
      if (!config) {
        const o = program.opts<{ store?: string; db?: string; pg?: string; pgSchema?: string }>();
        const overrides: Record<string, string> = {};
        if (o.store) overrides['LOADSCOPE_STORE'] = o.store;
        if (o.db) overrides['LOADSCOPE_DUCKDB'] = o.db;
        if (o.pg) overrides['LOADSCOPE_PG_URL'] = o.pg;
        if (o.pgSchema) overrides['LOADSCOPE_PG_SCHEMA'] = o.pgSchema;
        config = loadConfig(process.env, overrides);
      }
      return config;
    },
    store() {
      store ??= openStore(ctx.config());
      return store;
    },
  };
  registerImportCommands(program, ctx);
  registerBatchCommands(program, ctx);
  registerSimulateCommands(program, ctx);
  registerRealtimeCommands(program, ctx);
  registerNilmCommands(program, ctx);
  registerJobCommands(program, ctx);
  registerApiCommands(program, ctx);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof LoadscopeError) {
      process.stderr.write(`loadscope: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`loadscope: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 70;
  } finally {
    if (store) await (await store.catch(() => undefined))?.close();
  }
}

process.exitCode = await main(process.argv);
