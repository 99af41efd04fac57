/**
 * The kill test of issue 13, item 11: `loadscope start` runs as a child process while HTTP clients
 * (JSON batches) and an MQTT QoS 1 device (compact frames) stream readings into it; the child is
 * killed with SIGKILL at a random moment, started again, and so on. At the end every reading that
 * was acknowledged (HTTP 202, MQTT PUBACK) must be in the store exactly once. Used by
 * `scripts/kill-test.ts` (20 runs per column) and `src/realtime/kill.test.ts` (3 runs).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../../config.ts';
import { TEST_PG_URL } from '../../store/contract/factories.ts';
import { openStore } from '../../store/open-store.ts';
import { freePort } from '../../util/free-port.ts';
import { mulberry32 } from '../../util/random.ts';
import { seedFleet } from '../fixtures.ts';
import { type Acked, createSenders } from './kill-senders.ts';

/** Which column of the architecture to kill. */
export type KillColumn = 'embedded' | 'scale-out';

/** Options of {@link runKillTest}. */
export interface KillTestOptions {
  column: KillColumn;
  /** Kills (each followed by a restart); default 20. */
  runs?: number;
  /** Concurrent HTTP clients; default 4. */
  httpClients?: number;
  /** Readings per HTTP request and per MQTT frame; default 200. */
  batch?: number;
  /** Streaming time before each kill is drawn from [min, max] ms; default 300-1500. */
  killAfterMs?: [number, number];
  /** Seed of the kill times; default 1. */
  seed?: number;
  /** Progress lines. */
  say?: (line: string) => void;
}

/** What a kill test found. */
export interface KillTestResult {
  column: KillColumn;
  runs: number;
  /** Readings acknowledged over all runs (HTTP 202 + MQTT PUBACK). */
  acknowledged: number;
  acknowledgedHttp: number;
  acknowledgedMqtt: number;
  /** Acknowledged readings missing from the store at the end. */
  lost: number;
  /** (channel, timestamp) pairs stored more than once. */
  doubled: number;
  /** Readings stored although never acknowledged (in flight at the kill): allowed. */
  storedUnacknowledged: number;
  /** Lost per run, to see where a loss happened. */
  lostByRun: number[];
  seconds: number;
}

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TOKEN = 'kill-test-gateway-token-0001';
// Timestamps start 300 days back (ingest accepts 400) and step 1 ms: runs never reuse a timestamp.
const T0 = Date.now() - 300 * 86_400_000;

/** Environment of the child for one column, and how to drop what it created. */
async function prepareColumn(
  column: KillColumn,
  dir: string,
): Promise<{ env: Record<string, string>; drop: () => Promise<void> }> {
  const tag = Math.random().toString(36).slice(2, 10);
  if (column === 'embedded')
    return {
      env: { LOADSCOPE_STORE: 'duckdb', LOADSCOPE_DUCKDB: join(dir, 'kill.duckdb') },
      drop: async () => {},
    };
  const schema = `t_kill_${tag}`;
  const stream = `kill_${tag}`;
  return {
    env: {
      LOADSCOPE_STORE: 'postgres',
      LOADSCOPE_PG_URL: TEST_PG_URL,
      LOADSCOPE_PG_SCHEMA: schema,
      LOADSCOPE_LOG: 'jetstream',
      LOADSCOPE_LOG_STREAM: stream,
      LOADSCOPE_LOG_PARTITIONS: '4',
    },
    drop: async () => {
      const admin = new pg.Client({ connectionString: TEST_PG_URL });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => admin.end());
      const { connect } = await import('@nats-io/transport-node');
      const { jetstreamManager } = await import('@nats-io/jetstream');
      const nc = await connect({ servers: process.env['LOADSCOPE_NATS_URL'] ?? '127.0.0.1:4222' });
      await (await jetstreamManager(nc)).streams.delete(stream).catch(() => false);
      await nc.close();
    },
  };
}

/** Starts `loadscope start` and resolves once it prints that it is running. */
function startChild(env: Record<string, string>): Promise<{ child: ChildProcess; exited: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'start'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`loadscope start did not come up in 60 s: ${err.slice(-2000)}`));
    }, 60_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Loadscope is running')) {
        clearTimeout(timer);
        resolve({ child, exited });
      }
    });
    child.stderr.on('data', (d: Buffer) => void (err = (err + d.toString()).slice(-10_000)));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`loadscope start exited (${code}) before it was running: ${err.slice(-2000)}`));
    });
  });
}

/** Runs the kill test of one column on a fresh database. */
export async function runKillTest(opts: KillTestOptions): Promise<KillTestResult> {
  const runs = opts.runs ?? 20;
  const clients = opts.httpClients ?? 4;
  const size = opts.batch ?? 200;
  const [killMin, killMax] = opts.killAfterMs ?? [300, 1500];
  const rnd = mulberry32(opts.seed ?? 1);
  const say = opts.say ?? (() => undefined);
  const t0 = Date.now();
  const dir = await mkdtemp(join(tmpdir(), 'loadscope-kill-'));
  const column = await prepareColumn(opts.column, dir);
  try {
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    const devices = join(dir, 'devices.yaml');
    await writeFile(devices, `- id: kill-gateway\n  orgId: o1\n  token: ${TOKEN}\n`);
    const env: Record<string, string> = {
      ...column.env,
      LOADSCOPE_DATA_DIR_STATE: dir,
      LOADSCOPE_DEVICES_FILE: devices,
      LOADSCOPE_PORT: String(httpPort),
      LOADSCOPE_MQTT_PORT: String(mqttPort),
      LOADSCOPE_SIM: '0',
      LOADSCOPE_BATCH_EVERY: '0',
      LOADSCOPE_WORKERS: '1',
    };
    const seed = await openStore(loadConfig(env));
    await seed.migrate();
    await seedFleet(seed, clients + 1);
    await seed.close();

    // Channel per sender: HTTP client c writes m<c+1>.mains, the MQTT device m<clients+1>.mains.
    const channels = Array.from({ length: clients + 1 }, (_, c) => `m${c + 1}.mains`);
    const senders = createSenders({ channels, size, t0: T0, httpPort, mqttPort, token: TOKEN });
    const { acked, tally } = senders;
    for (let run = 1; run <= runs; run++) {
      const { child, exited } = await startChild(env);
      const streaming = senders.stream(run, false);
      const wait = killMin + rnd() * (killMax - killMin);
      await new Promise((r) => setTimeout(r, wait));
      child.kill('SIGKILL');
      streaming.stop();
      await exited;
      await streaming.done;
      say(
        `${opts.column} run ${run}: killed after ${Math.round(wait)} ms, ${tally.http + tally.mqtt} acknowledged so far`,
      );
    }
    // A last start: one batch per sender, then (scale-out) the batches a killed process took but never
    // acknowledged come back after the ack wait; then a clean stop.
    const { child, exited } = await startChild(env);
    await senders.stream(runs + 1, true).done;
    await settle(env, acked, size, opts.column === 'scale-out' ? 45_000 : 5_000);
    child.kill('SIGTERM');
    await exited;
    const found = await verify(env, acked, size, runs + 1);
    return {
      column: opts.column,
      runs,
      acknowledged: tally.http + tally.mqtt,
      acknowledgedHttp: tally.http,
      acknowledgedMqtt: tally.mqtt,
      ...found,
      seconds: (Date.now() - t0) / 1000,
    };
  } finally {
    await column.drop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

/** Waits until no acknowledged reading is missing or `ms` passed (the child is still running). */
async function settle(
  env: Record<string, string>,
  acked: Map<string, Acked>,
  size: number,
  ms: number,
): Promise<void> {
  if (env['LOADSCOPE_STORE'] === 'duckdb') return; // the child holds the file; embedded writes before acking
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if ((await verify(env, acked, size, 1)).lost === 0) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Counts lost, doubled and extra readings against what was acknowledged. */
async function verify(
  env: Record<string, string>,
  acked: Map<string, Acked>,
  size: number,
  runs: number,
): Promise<Pick<KillTestResult, 'lost' | 'doubled' | 'storedUnacknowledged' | 'lostByRun'>> {
  const store = await openStore(loadConfig(env));
  const lostByRun = new Array<number>(runs).fill(0);
  let lost = 0;
  let doubled = 0;
  let extra = 0;
  try {
    for (const [channel, a] of acked) {
      const stored = await store.readings.readColumns(channel, T0 - 1, T0 + 10 ** 10);
      const ts = stored.ts;
      for (let i = 1; i < ts.length; i++) if (ts[i] === ts[i - 1]) doubled++;
      const have = new Set<number>(ts);
      let kept = 0;
      for (const [k, start] of a.starts.entries()) {
        for (let i = 0; i < size; i++) {
          if (have.has(start + i)) kept++;
          else {
            lost++;
            lostByRun[Math.min(runs, a.runs[k]!) - 1]!++;
          }
        }
      }
      extra += have.size - kept;
    }
  } finally {
    await store.close();
  }
  return { lost, doubled, storedUnacknowledged: extra, lostByRun };
}
