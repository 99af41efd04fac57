/**
 * Test support for the `loadscope` command as a user runs it: bin/loadscope.js as a child process
 * on a temporary state folder, and `loadscope start` beside it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../util/free-port.ts';
import { silentLogger } from '../util/logger.ts';
import type { CliContext } from './context.ts';

/** The checkout's root folder. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The `loadscope` command. */
export const BIN = join(ROOT, 'bin', 'loadscope.js');

/** What a finished command printed and its exit code. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

/** A temporary state folder with the environment of an embedded installation on free ports. */
export async function tempInstallation(): Promise<{
  dir: string;
  env: NodeJS.ProcessEnv;
  remove(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'loadscope-cli-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOADSCOPE_DATA_DIR_STATE: join(dir, 'state'),
    LOADSCOPE_STORE: 'duckdb',
    LOADSCOPE_LOG: 'memory',
    LOADSCOPE_MQTT: 'embedded',
    LOADSCOPE_MQTT_PORT: String(await freePort()),
    LOADSCOPE_HOST: '127.0.0.1',
    LOADSCOPE_PORT: String(await freePort()),
    LOADSCOPE_EXECUTOR: 'local',
    LOADSCOPE_WORKERS: '1',
    LOADSCOPE_SIM: '0',
    LOADSCOPE_BATCH_EVERY: '0',
  };
  delete env['LOADSCOPE_DUCKDB'];
  return { dir, env, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Starts `loadscope ARGS` without waiting for it. */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs `loadscope ARGS` to completion. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const p = spawnCli(args, env, cwd);
    let out = '';
    let err = '';
    p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code, signal) => resolve({ code, signal, out, err }));
  });
}

/** A `loadscope start` that has printed that it runs. */
export interface RunningServer {
  process: ChildProcess;
  output(): string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `loadscope start` (or what `spawnStart` starts, e.g. through npm) and waits until it says it
 * is running.
 */
export async function startServer(
  env: NodeJS.ProcessEnv,
  timeoutMs = 90_000,
  spawnStart: () => ChildProcess = () => spawnCli(['start'], env),
): Promise<RunningServer> {
  const p = spawnStart();
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    p.once('exit', (code, signal) => r({ code, signal })),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`loadscope start did not start:\n${out}`)), timeoutMs);
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (out.includes('Press Ctrl+C to stop.')) {
        clearTimeout(timer);
        resolve();
      }
    };
    p.stdout!.on('data', onData);
    p.stderr!.on('data', onData);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`loadscope start exited with ${code}:\n${out}`));
    });
  });
  return { process: p, output: () => out, exited };
}

/**
 * The parts of a {@link CliContext} that in-process command tests rarely care about: a signal that
 * never aborts, the test's environment, a logger that drops diagnostics, paths relative to the current folder, an ignored exit code.
 */
export function contextDefaults(): Pick<
  CliContext,
  'signal' | 'env' | 'log' | 'resolvePath' | 'setExitCode'
> {
  return {
    log: silentLogger(),
    signal: new AbortController().signal,
    env: process.env,
    resolvePath: (p) => resolve(p),
    setExitCode: () => {},
  };
}
