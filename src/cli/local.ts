/**
 * The context of a command run in its own process: configuration from the environment and the
 * global options, the store opened on first use, this process's output, signals and exit status.
 * When the store is a DuckDB file that a running server holds, opening it asks the server to run the
 * command instead ({@link RunOnServer}); when another process holds it, the error says which.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config, loadConfig as LoadConfig } from '../config.ts';
import { ConflictError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { Logger, processLogger as ProcessLogger } from '../util/logger.ts';
import { type AdminConnection, adminSocketPath, connectAdmin } from './admin-socket.ts';
import { OWN_PROCESS_COMMANDS } from './commands.ts';
import type { CliContext } from './context.ts';
import { type GlobalOptions, globalOverrides } from './program.ts';

/** Thrown by the local store() when a live server holds the store: main forwards the command. */
export class RunOnServer extends Error {
  constructor(readonly connection: AdminConnection) {
    super(`the store is held by the server at ${connection.url} (pid ${connection.pid})`);
  }
}

/** A local context and what main needs around it. */
export interface LocalCli {
  readonly ctx: CliContext;
  /** Loads what a command needs before it runs (the configuration module); not needed for --help. */
  prepare(): Promise<void>;
  /** The exit status the command set. */
  exitCode(): number;
  /** Closes the store if the command opened it. */
  close(): Promise<void>;
}

/** The context for `command` (the command line's command name), reading the global options lazily. */
export function createLocalCli(opts: {
  command: string | undefined;
  globals: () => GlobalOptions;
}): LocalCli {
  let loadConfig: typeof LoadConfig | undefined;
  let makeLogger: typeof ProcessLogger | undefined;
  let logger: Logger | undefined;
  let config: Config | undefined;
  let store: Promise<Store> | undefined;
  let controller: AbortController | undefined;
  let exitCode = 0;
  const ctx: CliContext = {
    out: process.stdout,
    err: process.stderr,
    env: process.env,
    config() {
      if (!loadConfig) throw new Error('configuration read before the command started');
      config ??= loadConfig(process.env, globalOverrides(opts.globals()));
      return config;
    },
    store() {
      store ??= openOrForward(ctx.config(), opts.command);
      return store;
    },
    // Signal handlers only for commands that listen: the others keep the default (SIGTERM ends them).
    get signal() {
      controller ??= interruptController();
      return controller.signal;
    },
    get log() {
      if (!makeLogger) throw new Error('logger used before the command started');
      logger ??= makeLogger(process.env, process.stderr);
      return logger;
    },
    resolvePath: (p) => resolve(p),
    setExitCode: (code) => void (exitCode = code),
  };
  return {
    ctx,
    async prepare() {
      // Loaded here, not at the top: `loadscope --help` starts without them.
      [{ loadConfig }, { processLogger: makeLogger }] = await Promise.all([
        import('../config.ts'),
        import('../util/logger.ts'),
      ]);
    },
    exitCode: () => exitCode,
    async close() {
      if (store) await (await store.catch(() => undefined))?.close();
    },
  };
}

/** Aborts on the first SIGINT or SIGTERM; a second one ends the process at once. */
function interruptController(): AbortController {
  const controller = new AbortController();
  const on = (): void => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return controller;
}

async function openOrForward(config: Config, command: string | undefined): Promise<Store> {
  const socket = adminSocketPath(config);
  const server = socket && existsSync(socket) ? await connectAdmin(socket) : undefined;
  if (server) {
    if (command === undefined || !OWN_PROCESS_COMMANDS.has(command)) throw new RunOnServer(server);
    server.close();
    throw new ConflictError(
      `the Loadscope server at ${server.url} (pid ${server.pid}) holds ${config.store.duckdbPath}; ` +
        `\`loadscope ${command}\` needs a store of its own: stop that server, or use PostgreSQL (LOADSCOPE_STORE=postgres) to run several processes on one store`,
    );
  }
  // Raw reads reach into the lake below each organisation's retention boundary (docs/retention.md).
  const { openTieredStore } = await import('../retention/open.ts');
  try {
    return await openTieredStore(config);
  } catch (err) {
    throw explainLocked(err, config.store.duckdbPath, socket) ?? err;
  }
}

/** A clear error for a DuckDB file locked by another process that is not a server we can ask. */
function explainLocked(err: unknown, file: string, socket: string | undefined): Error | undefined {
  let text = '';
  for (let e: unknown = err; e instanceof Error; e = e.cause) text += ` ${e.message}`;
  if (!/Could not set lock/i.test(text)) return undefined;
  const holder = /Conflicting lock is held in (\S+) \(PID (\d+)\)/.exec(text);
  const who = holder ? `process ${holder[2]} (${holder[1]})` : 'another process';
  return new ConflictError(
    `the store ${file} is in use by ${who}, and no Loadscope server answers on ${socket ?? 'an admin socket'}: ` +
      'wait for that command to finish or stop it, then try again (commands run beside `loadscope start` go through the server)',
  );
}
