/**
 * The server's side of the admin socket: runs a client's command line in this process, with the
 * server's configuration and open store, and the client's working folder, variables and output.
 */
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { CommanderError } from 'commander';
import type { Config } from '../config.ts';
import type { Store } from '../store/store.ts';
import { type Logger, processLogger } from '../util/logger.ts';
import type { Frame, RunHandler } from './admin-socket.ts';
import { commandName, OWN_PROCESS_COMMANDS } from './commands.ts';
import type { CliContext } from './context.ts';
import { buildProgram } from './program.ts';
import { reportError } from './report-error.ts';

/** A stream whose writes become `out` or `err` frames. */
function frameStream(type: 'out' | 'err', send: (f: Frame) => void): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      send({ type, data: String(chunk) });
      done();
    },
  });
}

/** Runs clients' commands with the server's configuration and store (never closed here). */
export function commandRunner(deps: { config: Config; store: Store }): RunHandler {
  return async (request, send, signal) => {
    const out = frameStream('out', send);
    const err = frameStream('err', send);
    const write = (s: string): void => void err.write(s);
    let exitCode = 0;
    let logger: Logger | undefined;
    const ctx: CliContext = {
      out,
      err,
      signal,
      env: request.env,
      config: () => deps.config,
      store: async () => deps.store,
      // Plain lines for the person at the client's terminal, at the level of the client's LOG_LEVEL.
      get log() {
        logger ??= processLogger(
          { ...request.env, LOG_FORMAT: 'plain' },
          { write: (s: string) => err.write(s) },
        );
        return logger;
      },
      resolvePath: (p) => resolve(request.cwd, p),
      setExitCode: (code) => void (exitCode = code),
    };
    const name = commandName(request.args);
    if (name !== undefined && OWN_PROCESS_COMMANDS.has(name)) {
      write(`loadscope: \`loadscope ${name}\` runs in a process of its own, not inside the server\n`);
      return 64;
    }
    try {
      const program = await buildProgram(ctx, request.args, (p) =>
        // Help and usage errors go to the client, and never end the server's process.
        p.exitOverride().configureOutput({ writeOut: (s) => void out.write(s), writeErr: write }),
      );
      await program.parseAsync(request.args, { from: 'user' });
      return exitCode;
    } catch (e) {
      if (e instanceof CommanderError) return e.exitCode;
      return reportError(e, write);
    }
  };
}
