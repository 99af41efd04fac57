/**
 * Sustained run of the scale-out chain at a fixed offered rate (issue 11), beside the embedded chain:
 *
 *   npm run bench:sustained -- [--minutes 10] [--rate 100000] [--workers 1] [--pin] [--meters 50]
 *                              [--per-frame 5000] [--bridge-only] [--skip-embedded] [--skip-scaleout]
 *
 * Scale-out: a simulated fleet (compact frames of `--per-frame` readings, default 5,000, published from this process at
 * `--rate` readings/s) -> a Mosquitto broker of its own -> `loadscope start` (the MQTT bridge; with
 * JetStream it also consumes partitions, as one more worker) -> a NATS JetStream server of its own ->
 * `--workers` `loadscope worker` processes -> PostgreSQL (a fresh schema on 127.0.0.1:5432) + the Parquet
 * lake. Embedded: the same fleet and rate -> the same kind of Mosquitto -> `loadscope start` with the
 * in-process log and DuckDB (+ the lake), for the same duration and so the same count.
 *
 * Reports per minute the offered and achieved (stored) rate and the lag (published - stored), and CPU
 * seconds per million readings of every process, from /proc/<pid>/stat before and after. Mosquitto and
 * NATS are started here so their CPU is this run's alone; PostgreSQL is the machine's shared server, so
 * its figure is the sum of all postgres processes minus their idle rate measured for 10 s before the run
 * (other engineers' work on it still shows as noise). `--pin` puts each worker on its own core (taskset).
 * Figures are printed and written to bench/results/sustained-<time>.json, with the load average.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import pg from 'pg';
import { fleetCatalog, seedFleet } from '../src/realtime/fixtures.ts';
import { encodeCompact } from '../src/realtime/wire.ts';
import { STORE_FACTORIES } from '../src/store/contract/factories.ts';
import { createBatchBuilder } from '../src/stream/batch.ts';
import { cpuSecondsOf, machineBusySeconds, ownCpuSeconds, pidsNamed } from './cpu.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return def;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0)
    throw new Error(`--${name}: expected a positive number, got '${process.argv[i + 1] ?? ''}'`);
  return v;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

const minutes = arg('minutes', 10);
const rate = arg('rate', 100_000);
const workerCount = Math.round(arg('workers', 1));
const meters = Math.round(arg('meters', 50));
const pin = flag('pin');
/** `start` only bridges MQTT to JetStream (LOADSCOPE_START_CONSUMES=0): the workers are the only consumers. */
const bridgeOnly = flag('bridge-only');
/** Readings per MQTT message: 5,000 as a gateway's compact frame; 1 for a meter that sends its own reading. */
const PER_FRAME = Math.round(arg('per-frame', 5000));
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const log = (l: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${l}\n`);

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Spawns a process and resolves once a line of its output contains `ready`. */
async function spawnReady(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: string,
  name: string,
): Promise<ChildProcess> {
  const p = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not say '${ready}' within 120 s; output:\n${out}`)),
      120_000,
    );
    const on = (d: Buffer) => {
      out += d.toString();
      if (out.includes(ready)) {
        clearTimeout(timer);
        resolve();
      }
    };
    p.stdout.on('data', on);
    p.stderr.on('data', on);
    p.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready; output:\n${out}`));
    });
  });
  // Keep draining the pipes, so that a chatty process never blocks on a full pipe.
  p.stdout.removeAllListeners('data').resume();
  p.stderr.removeAllListeners('data').on('data', (d: Buffer) => {
    const s = d.toString();
    if (/error|fail/i.test(s)) log(`${name}: ${s.trim().slice(0, 300)}`);
  });
  p.removeAllListeners('exit');
  return p;
}

async function stop(p: ChildProcess | undefined): Promise<void> {
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  await new Promise((r) => {
    const t = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.once('exit', () => (clearTimeout(t), r(undefined)));
    p.kill('SIGTERM');
  });
}

/** A Mosquitto broker of this run: its CPU is ours alone. */
async function startMosquitto(dir: string): Promise<{ proc: ChildProcess; url: string }> {
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  await writeFile(
    conf,
    `listener ${port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 10000\npersistence false\nsys_interval 1\n`,
  );
  const proc = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  const url = `mqtt://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      const c = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 1000 });
      await c.endAsync();
      return { proc, url };
    } catch (e) {
      if (i > 100) throw new Error(`mosquitto did not answer on ${url}: ${String(e)}`, { cause: e });
      await sleep(100);
    }
  }
}

/**
 * Messages held in a Mosquitto broker (queued for a subscriber that lags, plus its own retained $SYS
 * messages), from its $SYS tree, refreshed every second (sys_interval 1).
 */
async function brokerBacklog(url: string): Promise<{ held: () => number; close(): Promise<void> }> {
  const c = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  let n = -1;
  c.on('message', (_t, p) => (n = Number(p.toString())));
  await c.subscribeAsync('$SYS/broker/store/messages/count', { qos: 0 });
  for (let i = 0; n < 0 && i < 100; i++) await sleep(100);
  return { held: () => n, close: () => c.endAsync() };
}

/** A NATS JetStream server of this run, storing in `dir`. */
async function startNats(dir: string): Promise<{ proc: ChildProcess; url: string }> {
  const port = await freePort();
  const proc = await spawnReady(
    'nats-server',
    ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', join(dir, 'nats'), '-m', '0'],
    process.env,
    'Server is ready',
    'nats-server',
  );
  return { proc, url: `127.0.0.1:${port}` };
}

/** The fleet's channels and a frame maker with timestamps unique per channel across the whole run. */
function fleet(): (n: number) => Buffer[] {
  const own = new Set(Array.from({ length: meters }, (_, i) => `m${i + 1}`));
  const channels = fleetCatalog(meters)
    .channels.filter((c) => own.has(c.meterId))
    .map((c) => c.id);
  // Start far enough back that a 10-minute run at 100 k/s stays in the past (1 ms per fleet round).
  const t0 = Date.now() - 2 * 86_400_000;
  let k = 0;
  return (n) => {
    const out: Buffer[] = [];
    const end = k + n;
    while (k < end) {
      const b = createBatchBuilder(PER_FRAME);
      for (let i = 0; i < PER_FRAME && k < end; i++, k++)
        b.push(channels[k % channels.length]!, t0 + Math.floor(k / channels.length), 100 + (k % 97));
      out.push(encodeCompact(b.build()));
    }
    return out;
  };
}

interface Minute {
  minute: number;
  offered: number;
  stored: number | null;
  lag: number | null;
  load: string;
}

/**
 * Publishes at `rate` for `minutes`, each tick topping up to rate x elapsed in whole frames; calls
 * `stored()` (when given) at each minute for the achieved rate and the lag.
 */
async function drive(
  pub: MqttClient,
  topic: string,
  stored: ((published: number) => Promise<number>) | undefined,
): Promise<{ published: number; minutes: Minute[]; seconds: number }> {
  const make = fleet();
  const total = Math.round(rate * minutes * 60);
  const t0 = performance.now();
  let published = 0;
  let inflight: Promise<unknown>[] = [];
  const rows: Minute[] = [];
  let lastStored = 0;
  let nextMinute = 1;
  while (published < total) {
    const elapsed = (performance.now() - t0) / 1000;
    const due = Math.min(total, Math.floor((rate * elapsed) / PER_FRAME) * PER_FRAME);
    if (due > published) {
      const n = due - published;
      for (const f of make(n)) inflight.push(pub.publishAsync(topic, f, { qos: 1 }));
      published += n;
      if (inflight.length > 200) {
        await Promise.all(inflight);
        inflight = [];
      }
    }
    if (elapsed >= nextMinute * 60) {
      const s = stored ? await stored(published) : null;
      rows.push({
        minute: nextMinute,
        offered: published,
        stored: s,
        lag: s === null ? null : published - s,
        load: load(),
      });
      log(
        `minute ${nextMinute}: published ${published.toLocaleString('en-US')}` +
          (s === null
            ? ''
            : `, stored ${s.toLocaleString('en-US')} (+${(s - lastStored).toLocaleString('en-US')} this minute), lag ${(published - s).toLocaleString('en-US')}`) +
          `, load ${load()}`,
      );
      if (s !== null) lastStored = s;
      nextMinute++;
    }
    await sleep(50);
  }
  await Promise.all(inflight);
  return { published, minutes: rows, seconds: (performance.now() - t0) / 1000 };
}

/**
 * The last CPU figure seen of every postgres process, by pid, polled every half second: a session that
 * closes (the worker's pool drops idle connections and opens new ones) keeps what it used up to its
 * last poll instead of dropping out with everything it did (which made PostgreSQL look 10x cheaper).
 */
const pgSeen = new Map<number, number>();
const pollPg = () => {
  for (const p of pidsNamed('postgres')) {
    const c = cpuSecondsOf(p);
    if (c > 0) pgSeen.set(p, c);
  }
};
const pgPoller = setInterval(pollPg, 500);
pgPoller.unref();
/** CPU of every postgres process seen so far, by pid. */
const pgSnapshot = () => {
  pollPg();
  return new Map(pgSeen);
};
/**
 * CPU the postgres processes used since `before`: per pid seen, what it used since then (all of it for
 * a session opened meanwhile, up to its last poll for one that closed).
 */
const pgSince = (before: Map<number, number>) =>
  [...pgSnapshot()].reduce((s, [pid, c]) => s + Math.max(0, c - (before.get(pid) ?? 0)), 0);
/**
 * The bench sends everything as one device, far above the ingest's default per-device limit (500 k
 * readings/s, burst 1 M): lifted here, so a frame is never refused into the quarantine as over-rate and
 * what is measured is the chain, not the limiter (a 500 k/s run lost 13 frames to it).
 */
const NO_DEVICE_LIMIT = { LOADSCOPE_INGEST_RATE: '1000000000', LOADSCOPE_INGEST_BURST: '1000000000' };
/** A watch on a figure that should keep moving: true once it has stayed at one value for `ms`. */
function stallWatch(first: number, ms: number): (value: number) => boolean {
  let [last, since] = [first, performance.now()];
  return (value) => {
    if (value !== last) [last, since] = [value, performance.now()];
    return performance.now() - since > ms;
  };
}
const perM = (cpu: number, n: number) => Number(((cpu / n) * 1e6).toFixed(2));

async function scaleOut(dir: string) {
  const pgt = await STORE_FACTORIES.find((f) => f.kind === 'postgres')!.open();
  const procs: ChildProcess[] = [];
  let mosq: ChildProcess | undefined;
  let nats: ChildProcess | undefined;
  let pub: MqttClient | undefined;
  const stats = new pg.Client({ connectionString: pgt.env['LOADSCOPE_PG_URL'] });
  try {
    await stats.connect();
    await seedFleet(pgt.store, meters);
    const m = await startMosquitto(dir);
    mosq = m.proc;
    const n = await startNats(dir);
    nats = n.proc;
    const root = `sus${Math.random().toString(36).slice(2, 8)}/loadscope`;
    const env = {
      ...process.env,
      ...pgt.env,
      LOADSCOPE_LOG: 'jetstream',
      LOADSCOPE_NATS_URL: n.url,
      LOADSCOPE_LOG_PARTITIONS: '16',
      LOADSCOPE_LOG_STREAM: 'sustained',
      LOADSCOPE_START_CONSUMES: bridgeOnly ? '0' : '1',
      LOADSCOPE_MQTT: m.url,
      LOADSCOPE_MQTT_TOPIC_ROOT: root,
      LOADSCOPE_MQTT_CLIENT_ID: `sustained-${process.pid}`,
      LOADSCOPE_SIM: '0',
      LOADSCOPE_BATCH_EVERY: '0',
      LOADSCOPE_PORT: '0',
      LOADSCOPE_DATA_DIR_STATE: join(dir, 'state'),
      LOADSCOPE_LAKE: join(dir, 'lake'),
      ...NO_DEVICE_LIMIT,
    };
    const node = [process.execPath, '--import', 'tsx', 'src/main.ts'];
    const start = await spawnReady(
      node[0]!,
      [...node.slice(1), 'start'],
      env,
      'Loadscope is running',
      'start',
    );
    procs.push(start);
    const workers: ChildProcess[] = [];
    for (let i = 0; i < workerCount; i++) {
      const cmd = pin ? ['taskset', '-c', String(i % 2), ...node] : node;
      const w = await spawnReady(
        cmd[0]!,
        [...cmd.slice(1), 'worker'],
        { ...env, LOADSCOPE_DATA_DIR_STATE: join(dir, `worker-${i + 1}`) },
        'ready',
        `worker ${i + 1}`,
      );
      workers.push(w);
      procs.push(w);
    }
    await sleep(3000); // the workers share out the partitions
    pub = await mqtt.connectAsync(m.url, { reconnectPeriod: 0 });
    // PostgreSQL's idle rate (other engineers' sessions, background writers) over 10 s, subtracted below.
    const idle0 = pgSnapshot();
    await sleep(10_000);
    const pgIdlePerS = pgSince(idle0) / 10;
    const parts: [string, number][] = [
      ['mosquitto', mosq.pid!],
      [bridgeOnly ? 'loadscope start (bridge only)' : 'loadscope start (bridge + 1 consumer)', start.pid!],
      ['nats-server', nats.pid!],
      ...workers.map((w, i): [string, number] => [`worker ${i + 1}`, w.pid!]),
    ];
    const c0 = parts.map(([, pid]) => cpuSecondsOf(pid));
    const pg0 = pgSnapshot();
    const own0 = ownCpuSeconds();
    const load0 = load();
    // Progress from PostgreSQL's statistics (rows inserted into the readings partitions of our schema),
    // not count(*), which would cost PostgreSQL more CPU than the writes it measures; one count at the end.
    const inserted = async () =>
      Number(
        (
          await stats.query<{ n: string }>(
            `SELECT coalesce(sum(s.n_tup_ins), 0)::bigint AS n FROM pg_inherits i
               JOIN pg_stat_user_tables s ON s.relid = i.inhrelid
              WHERE i.inhparent = (quote_ident($1) || '.readings')::regclass`,
            [pgt.env['LOADSCOPE_PG_SCHEMA']],
          )
        ).rows[0]!.n,
      );
    const busy0 = machineBusySeconds();
    const r = await drive(pub, `${root}/o1/compact`, inserted);
    const tPub = performance.now();
    // While publishing: cores each process and the whole machine used, and what was stored meanwhile.
    const cPub = parts.map(([, pid]) => cpuSecondsOf(pid));
    const busyPub = machineBusySeconds() - busy0;
    const storedPub = await inserted();
    const pgPub = pgSince(pg0) - pgIdlePerS * r.seconds;
    const ownPub = ownCpuSeconds() - own0;
    // Drain: wait for every reading, but give up once nothing more arrived for 30 s (a loss, reported).
    const drainStalled = stallWatch(storedPub, 30_000);
    for (;;) {
      const n = await inserted();
      if (n >= r.published) break;
      if (drainStalled(n)) {
        log(
          `drain: nothing more stored for 30 s at ${n.toLocaleString('en-US')} of ${r.published.toLocaleString('en-US')}`,
        );
        break;
      }
      await sleep(1000);
    }
    const drainS = (performance.now() - tPub) / 1000;
    // Statistics lag the writes by up to a second or so: settle, then count once.
    await sleep(2000);
    const storedN = await pgt.store.readings.count();
    const totalS = r.seconds + drainS;
    const cpu = parts.map(([name, pid], i) => ({ name, cpuS: cpuSecondsOf(pid) - c0[i]! }));
    const pgRaw = pgSince(pg0);
    const pg = Math.max(0, pgRaw - pgIdlePerS * totalS);
    const own = ownCpuSeconds() - own0;
    const stages = [
      ...cpu.map((c) => ({ name: c.name, cpuS: c.cpuS, perM: perM(c.cpuS, storedN) })),
      {
        name: `PostgreSQL server (all postgres processes, minus idle ${pgIdlePerS.toFixed(2)} CPU s/s)`,
        cpuS: pg,
        perM: perM(pg, storedN),
      },
      { name: 'publisher (this process: frame making + mqtt.js)', cpuS: own, perM: perM(own, storedN) },
    ];
    const chain = stages.slice(0, -1).reduce((s, x) => s + x.cpuS, 0);
    return {
      published: r.published,
      stored: storedN,
      publishSeconds: r.seconds,
      drainSeconds: drainS,
      achievedRate: Math.round(storedN / totalS),
      minutes: r.minutes,
      stages,
      chainPerM: perM(chain, storedN),
      whilePublishing: {
        seconds: Number(r.seconds.toFixed(1)),
        storedRate: Math.round(storedPub / r.seconds),
        machineCores: Number((busyPub / r.seconds).toFixed(2)),
        cores: [
          ...parts.map(([name], i) => ({
            name,
            cores: Number(((cPub[i]! - c0[i]!) / r.seconds).toFixed(2)),
          })),
          { name: 'PostgreSQL server', cores: Number((Math.max(0, pgPub) / r.seconds).toFixed(2)) },
          { name: 'publisher', cores: Number((ownPub / r.seconds).toFixed(2)) },
        ],
      },
      chainWithoutPgPerM: perM(chain - pg, storedN),
      pgRawPerM: perM(pgRaw, storedN),
      loadBefore: load0,
      loadAfter: load(),
    };
  } finally {
    await pub?.endAsync();
    for (const p of procs.reverse()) await stop(p);
    await stop(nats);
    await stop(mosq);
    await stats.end();
    await pgt.destroy();
  }
}

async function embedded(dir: string) {
  const t = await STORE_FACTORIES.find((f) => f.kind === 'duckdb')!.open();
  let mosq: ChildProcess | undefined;
  let start: ChildProcess | undefined;
  let pub: MqttClient | undefined;
  try {
    await seedFleet(t.store, meters);
    await t.store.close(); // DuckDB admits one process at a time: `start` opens it
    const m = await startMosquitto(dir);
    mosq = m.proc;
    const root = `emb${Math.random().toString(36).slice(2, 8)}/loadscope`;
    const env = {
      ...process.env,
      ...t.env,
      LOADSCOPE_LOG: 'memory',
      LOADSCOPE_MQTT: m.url,
      LOADSCOPE_MQTT_TOPIC_ROOT: root,
      LOADSCOPE_MQTT_CLIENT_ID: `embedded-${process.pid}`,
      LOADSCOPE_SIM: '0',
      LOADSCOPE_BATCH_EVERY: '0',
      LOADSCOPE_PORT: '0',
      LOADSCOPE_DATA_DIR_STATE: join(dir, 'state-embedded'),
      LOADSCOPE_LAKE: join(dir, 'lake-embedded'),
      ...NO_DEVICE_LIMIT,
    };
    start = await spawnReady(
      process.execPath,
      ['--import', 'tsx', 'src/main.ts', 'start'],
      env,
      'Loadscope is running',
      'start (embedded)',
    );
    pub = await mqtt.connectAsync(m.url, { reconnectPeriod: 0 });
    const parts: [string, number][] = [
      ['mosquitto', mosq.pid!],
      ['loadscope start (bridge + memory log + DuckDB + lake)', start.pid!],
    ];
    const c0 = parts.map(([, pid]) => cpuSecondsOf(pid));
    const own0 = ownCpuSeconds();
    const load0 = load();
    // DuckDB is held by `start`: the stored count is read after it stops (it drains on SIGTERM).
    // Lag: frames held in the broker for the bridge (over the idle figure), in readings.
    const backlog = await brokerBacklog(m.url);
    const idleHeld = backlog.held();
    // Per minute, "stored" here is what left the broker for `start` (DuckDB is held by `start`).
    const r = await drive(pub, `${root}/o1/compact`, async (published) =>
      Math.max(0, published - Math.max(0, backlog.held() - idleHeld) * PER_FRAME),
    );
    await pub.endAsync();
    pub = undefined;
    // The bridge reads what the broker still holds; then `start` stops and drains its log on SIGTERM.
    const tStop = performance.now();
    // Mosquitto updates the count every 10 s, and it has been seen to stay a frame above its idle
    // figure for good: a count unchanged for 30 s also ends the wait (the stored count is exact anyway).
    const heldStalled = stallWatch(backlog.held(), 30_000);
    for (let quiet = 0; quiet < 3 && performance.now() - tStop < 900_000;) {
      await sleep(1000);
      const held = backlog.held();
      quiet = held <= idleHeld ? quiet + 1 : 0;
      if (heldStalled(held)) {
        log(`embedded: the broker's count stayed at ${held} (idle ${idleHeld}) for 30 s; stopping start`);
        break;
      }
    }
    await backlog.close();
    // /proc/<pid>/stat vanishes at exit: poll it while `start` drains on SIGTERM, keep the last figure.
    let cpuEnd = parts.map(([, pid]) => cpuSecondsOf(pid));
    const poll = setInterval(() => {
      const now = parts.map(([, pid]) => cpuSecondsOf(pid));
      if (now.every((c) => c > 0)) cpuEnd = now;
    }, 100);
    await new Promise<void>((res) => {
      start!.once('exit', () => res());
      start!.kill('SIGTERM');
    });
    clearInterval(poll);
    const drainS = (performance.now() - tStop) / 1000;
    const store = await t.reopen();
    const storedN = await store.readings.count();
    const cpu = parts.map(([name], i) => ({ name, cpuS: cpuEnd[i]! - c0[i]! }));
    const own = ownCpuSeconds() - own0;
    const stages = [
      ...cpu.map((c) => ({ name: c.name, cpuS: c.cpuS, perM: perM(c.cpuS, storedN) })),
      { name: 'publisher (this process: frame making + mqtt.js)', cpuS: own, perM: perM(own, storedN) },
    ];
    return {
      published: r.published,
      stored: storedN,
      publishSeconds: r.seconds,
      drainSeconds: drainS,
      minutes: r.minutes,
      achievedRate: Math.round(storedN / (r.seconds + drainS)),
      stages,
      chainPerM: perM(
        cpu.reduce((s, c) => s + c.cpuS, 0),
        storedN,
      ),
      loadBefore: load0,
      loadAfter: load(),
      note: 'per minute, stored = published - frames held in the broker (DuckDB is held by `start`); the exact count is read after `start` stopped; CPU until its exit',
    };
  } finally {
    await pub?.endAsync();
    await stop(start);
    await stop(mosq);
    await t.destroy();
  }
}

const dir = await mkdtemp(join(tmpdir(), 'loadscope-sustained-'));
try {
  log(
    `sustained: ${minutes} min at ${rate.toLocaleString('en-US')} readings/s offered, ${workerCount} worker(s)${pin ? ' pinned' : ''}${bridgeOnly ? ', start bridges only' : ''}, ${meters} meters, ${PER_FRAME.toLocaleString('en-US')} readings a message; load ${load()}`,
  );
  const so = flag('skip-scaleout') ? undefined : await scaleOut(dir);
  if (so) {
    log(
      `scale-out: ${so.stored.toLocaleString('en-US')}/${so.published.toLocaleString('en-US')} stored, ${so.achievedRate.toLocaleString('en-US')} readings/s achieved (drain ${so.drainSeconds.toFixed(0)} s after publishing)`,
    );
    for (const s of so.stages)
      log(`  ${s.name.padEnd(78)} ${s.perM.toFixed(2).padStart(8)} CPU s per M readings`);
    log(`  chain total ${so.chainPerM} CPU s per M (without PostgreSQL ${so.chainWithoutPgPerM})`);
    const w = so.whilePublishing;
    log(
      `  while publishing (${w.seconds} s): stored ${w.storedRate.toLocaleString('en-US')} readings/s; machine busy ${w.machineCores} of 2 cores: ` +
        w.cores.map((c) => `${c.name} ${c.cores}`).join(', '),
    );
  }
  const em = flag('skip-embedded') ? undefined : await embedded(dir);
  if (em) {
    log(
      `embedded: ${em.stored.toLocaleString('en-US')}/${em.published.toLocaleString('en-US')} stored, ${em.achievedRate.toLocaleString('en-US')} readings/s achieved`,
    );
    for (const s of em.stages)
      log(`  ${s.name.padEnd(78)} ${s.perM.toFixed(2).padStart(8)} CPU s per M readings`);
    log(
      `  chain total ${em.chainPerM} CPU s per M` +
        (so ? `; scale-out / embedded = ${(so.chainPerM / em.chainPerM).toFixed(2)}x (goal <= 2x)` : ''),
    );
  }
  const out = {
    at: new Date().toISOString(),
    command: `npx tsx bench/sustained.ts ${process.argv.slice(2).join(' ')}`.trim(),
    minutes,
    offeredRate: rate,
    workers: workerCount,
    pinned: pin,
    bridgeOnly,
    meters,
    readingsPerMessage: PER_FRAME,
    scaleOut: so,
    embedded: em,
    ratio: em && so ? Number((so.chainPerM / em.chainPerM).toFixed(2)) : undefined,
  };
  await mkdir(join(ROOT, 'bench', 'results'), { recursive: true });
  const file = join(ROOT, 'bench', 'results', `sustained-${out.at.replace(/[:.]/g, '-')}.json`);
  await writeFile(file, JSON.stringify(out, null, 2));
  log(`written ${file}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
