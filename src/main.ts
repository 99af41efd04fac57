/**
 * The `loadscope` command line: builds the program for this command line, runs it with a local
 * context (configuration from the environment and the global options, the store opened on first use)
 * and turns errors into messages and exit codes.
 */
import type { Command } from 'commander';
import type { CliContext } from './cli/context.ts';
import { buildProgram, type GlobalOptions, globalOverrides } from './cli/program.ts';
import { reportError } from './cli/report-error.ts';
import type { Config, loadConfig as LoadConfig } from './config.ts';
import type { Store } from './store/store.ts';

/** Runs one command line (the arguments after `loadscope`); resolves with the exit code. */
async function main(args: string[]): Promise<number> {
  let program: Command | undefined;
  let loadConfig: typeof LoadConfig | undefined;
  let config: Config | undefined;
  let store: Promise<Store> | undefined;
  const ctx: CliContext = {
    out: process.stdout,
    err: process.stderr,
    config() {
      if (!loadConfig) throw new Error('configuration read before the command started');
      config ??= loadConfig(process.env, globalOverrides(program?.opts<GlobalOptions>() ?? {}));
      return config;
    },
    store() {
      store ??= import('./store/open-store.ts').then((m) => m.openStore(ctx.config()));
      return store;
    },
  };
  try {
    program = await buildProgram(ctx, args);
    // The configuration module (zod) loads when a command runs, not for `--help`.
    program.hook('preAction', async () => {
      loadConfig = (await import('./config.ts')).loadConfig;
    });
    await program.parseAsync(args, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    return reportError(err, (t) => process.stderr.write(t));
  } finally {
    if (store) await (await store.catch(() => undefined))?.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
