/**
 * The `loadscope` command line: builds the program for this command line and runs it with a local
 * context; when a running server holds the store, the server runs the command instead and this
 * process prints its output. Errors become messages and exit codes here.
 */
import type { Command } from 'commander';
import { FORWARDED_ENV } from './cli/admin-socket.ts';
import { commandName } from './cli/commands.ts';
import { createLocalCli, RunOnServer } from './cli/local.ts';
import { buildProgram, type GlobalOptions } from './cli/program.ts';
import { reportError } from './cli/report-error.ts';

async function main(args: string[]): Promise<number> {
  let program: Command | undefined;
  const local = createLocalCli({
    command: commandName(args),
    globals: () => program?.opts<GlobalOptions>() ?? {},
  });
  try {
    program = await buildProgram(local.ctx, args);
    program.hook('preAction', () => local.prepare());
    await program.parseAsync(args, { from: 'user' });
    return local.exitCode() || (typeof process.exitCode === 'number' ? process.exitCode : 0);
  } catch (err) {
    if (err instanceof RunOnServer) return runOnServer(err, args);
    return reportError(err, (t) => process.stderr.write(t));
  } finally {
    await local.close();
  }
}

/** Has the server that holds the store run this command line; prints its output. */
async function runOnServer({ connection }: RunOnServer, args: string[]): Promise<number> {
  process.stderr.write(
    `loadscope: running on the server that holds the store (pid ${connection.pid}, ${connection.url})\n`,
  );
  const env: Record<string, string> = {};
  for (const k of FORWARDED_ENV) if (process.env[k] !== undefined) env[k] = process.env[k];
  try {
    return await connection.run({ type: 'run', args, cwd: process.cwd(), env }, (stream, data) =>
      (stream === 'out' ? process.stdout : process.stderr).write(data),
    );
  } catch (err) {
    process.stderr.write(`loadscope: ${err instanceof Error ? err.message : String(err)}\n`);
    return 69;
  } finally {
    connection.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
