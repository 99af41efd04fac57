/**
 * The PostgreSQL write path (issue 11): ReadingRepo.write against a bare binary COPY of the same rows
 * into an unlogged table without keys, batch by batch in the same run, on an empty table and again
 * once the table holds several million readings (the rate must not fall as the table grows). A third
 * writer in the same turns, a binary COPY into a logged table with only the primary key, is the
 * floor of any design that keeps one indexed row per reading; its parts (WAL alone, the key alone,
 * a key built once after the load) say where that floor comes from. Also: a re-write of stored
 * batches (all duplicates), two writers at once against one, JetStream-sized batches of 5,000, and
 * a file import against `psql \copy` of the same file.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { ReadingBatch } from '../src/domain/types.ts';
import { importFile } from '../src/ingest/import-file.ts';
import { createPostgresStore } from '../src/store/postgres/index.ts';
import { encodeBinaryCopy, orderByChannel } from '../src/store/postgres/copy-binary.ts';
import { seedPowerCatalog, timeIt, type Bench, type BenchOptions, type BenchRow } from './harness.ts';

const PG_URL = process.env['LOADSCOPE_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CHANNELS = 100;
const T0 = Date.UTC(2024, 0, 1);
const GOAL = 'within 2x of the bare binary COPY';

/** Batch number `k` of a series of 100 channels at 1 s, interleaved as a wide import delivers them. */
function fill(b: ReadingBatch, k: number): void {
  for (let i = 0; i < b.length; i++) {
    const g = k * b.length + i;
    b.channel[i] = g % CHANNELS;
    b.ts[i] = T0 + Math.floor(g / CHANNELS) * 1000;
    b.value[i] = 200 + (g % 977) * 0.5;
  }
}

function newBatch(ids: string[], size: number): ReadingBatch {
  const channel = new Int32Array(size);
  return {
    channelIds: ids,
    channel,
    ts: new Float64Array(size),
    value: new Float64Array(size),
    quality: new Uint8Array(size),
    length: size,
  };
}

type Writer = (b: ReadingBatch) => Promise<unknown>;

/** CPU seconds (user + system) of this process and of the given local processes (PostgreSQL backends). */
function cpuSeconds(pids: number[]): number {
  const own = process.cpuUsage();
  let ticks = 0;
  for (const pid of pids) {
    // Fields 14 and 15 of /proc/PID/stat, counted after the command name (which may hold spaces).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (own.user + own.system) / 1e6 + ticks / CLOCK_TICKS;
}
/** Linux clock ticks per second (`getconf CLK_TCK`). */
const CLOCK_TICKS = 100;

/** Splits `x` into even and odd channel indexes (each half sized for exactly its share). */
function splitByChannel(x: ReadingBatch, halves: readonly [ReadingBatch, ReadingBatch]): void {
  const at = [0, 0];
  for (let i = 0; i < x.length; i++) {
    const h = (x.channel[i] as number) % 2;
    const out = halves[h] as ReadingBatch;
    const j = at[h] as number;
    out.channel[j] = x.channel[i] as number;
    out.ts[j] = x.ts[i] as number;
    out.value[j] = x.value[i] as number;
    out.quality[j] = x.quality[i] as number;
    at[h] = j + 1;
  }
}

/** Runs the writers in turns on batches `first`..`first + count - 1`; returns readings/s per writer (only writes timed). */
async function turns(b: ReadingBatch, first: number, count: number, writers: Writer[]): Promise<number[]> {
  const seconds = writers.map(() => 0);
  for (let k = first; k < first + count; k++) {
    fill(b, k);
    for (const [w, write] of writers.entries()) {
      const t0 = process.hrtime.bigint();
      await write(b);
      seconds[w] = (seconds[w] as number) + Number(process.hrtime.bigint() - t0) / 1e9;
    }
  }
  return seconds.map((s) => (count * b.length) / s);
}

async function copyInto(client: pg.Client, table: string, data: Buffer): Promise<void> {
  await pipeline(
    async function* () {
      yield data;
    },
    client.query(copyFrom(`COPY ${table} FROM STDIN (FORMAT binary)`)),
  );
}

function row(name: string, store: number, bare: number, goal = true): BenchRow {
  return {
    name,
    value: store,
    unit: 'readings/s',
    baseline: { name: 'bare binary COPY, unlogged, no keys', value: bare },
    ratio: bare / store,
    ...(goal ? { goal: GOAL, met: bare / store <= 2 } : {}),
  };
}

async function writeRows(opts: BenchOptions, ids: string[]): Promise<BenchRow[]> {
  const size = 100_000;
  const timed = opts.quick ? 5 : 20;
  const prefill = opts.quick ? 10 : 60;
  const schema = `t_bench_pgw_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  // Named, so that the CPU of the store's server processes can be found in pg_stat_activity.
  const app = `${schema}_store`;
  const store = await createPostgresStore({
    url: `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}application_name=${app}`,
    schema,
    poolSize: 2,
  });
  try {
    await store.migrate();
    await seedPowerCatalog(store, ids);
    const keyOf = new Map(
      (await admin.query<{ id: string; key: number }>(`SELECT id, key FROM ${schema}.channels`)).rows.map(
        (r) => [r.id, r.key],
      ),
    );
    const cols =
      'channel_key INTEGER NOT NULL, ts BIGINT NOT NULL, value DOUBLE PRECISION NOT NULL, quality SMALLINT NOT NULL';
    await admin.query(`CREATE UNLOGGED TABLE ${schema}.bare (${cols})`);
    await admin.query(`CREATE TABLE ${schema}.floor (${cols}, PRIMARY KEY (channel_key, ts))`);
    const keysOf = (x: ReadingBatch) =>
      Int32Array.from(x.channel.subarray(0, x.length), (c) => keyOf.get(ids[c] as string) ?? -1);
    const bare: Writer = (x) => copyInto(admin, `${schema}.bare`, encodeBinaryCopy(keysOf(x), x));
    // COPY of the rows grouped by channel, as the store's direct path sends them.
    const sorted =
      (table: string): Writer =>
      async (x) => {
        const keys = keysOf(x);
        await copyInto(admin, `${schema}.${table}`, encodeBinaryCopy(keys, x, orderByChannel(x, keys)));
      };
    const floor = sorted('floor');
    const storeWrite: Writer = (x) => store.readings.write(x);
    const b = newBatch(ids, size);
    const rows: BenchRow[] = [];
    const segment = async (label: string, first: number) => {
      opts.log(
        `postgres: ${label}: store write, bare COPY, keyed COPY, ${(timed * size).toLocaleString()} readings in turns`,
      );
      const [s = 0, bareRate = 0, floorRate = 0] = await turns(b, first, timed, [storeWrite, bare, floor]);
      rows.push(row(`postgres store write, ${label}`, s, bareRate));
      rows.push({
        ...row(`postgres COPY into a logged table with the PK only, ${label}`, floorRate, bareRate, false),
      });
    };
    await segment('empty table', 0);
    // Where the floor's cost comes from: the WAL of the rows alone, and the primary key alone.
    await admin.query(`CREATE TABLE ${schema}.logged (${cols})`);
    await admin.query(`CREATE UNLOGGED TABLE ${schema}.keyed (${cols}, PRIMARY KEY (channel_key, ts))`);
    opts.log('postgres: bare COPY against a logged keyless table and an unlogged keyed one');
    const [bareAgain = 0, logged = 0, keyed = 0] = await turns(b, 0, timed, [
      bare,
      sorted('logged'),
      sorted('keyed'),
    ]);
    rows.push(row('postgres COPY into a logged table without keys (WAL only)', logged, bareAgain, false));
    rows.push(row('postgres COPY into an unlogged table with the PK (index only)', keyed, bareAgain, false));
    // The alternative to one B-tree insertion per row: load without keys, build the index once (sorted).
    const build = await timeIt(() =>
      admin.query(`ALTER TABLE ${schema}.logged ADD PRIMARY KEY (channel_key, ts)`),
    );
    const loaded = timed * size;
    rows.push(
      row(
        'postgres COPY into a logged keyless table, then one index build',
        loaded / (loaded / logged + build.seconds),
        bareAgain,
        false,
      ),
    );
    opts.log(`postgres: filling the store with ${(prefill * size).toLocaleString()} more readings`);
    b.length = size;
    for (let k = timed; k < timed + prefill; k++) {
      fill(b, k);
      await store.readings.write(b);
      await floor(b);
    }
    const held = (timed + prefill) * size;
    await segment(`table holding ${held / 1e6}M readings`, timed + prefill);
    // CPU seconds per million readings, this process plus its server processes: less noisy than
    // rates on a shared machine, and what a capacity model needs. WAL writer and checkpointer not counted.
    const serverPids = async (where: string) =>
      (await admin.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE ${where}`)).rows.map(
        (r) => r.pid,
      );
    const cpuOf = async (pids: number[], write: Writer, first: number, count: number) => {
      const before = cpuSeconds(pids);
      await turns(b, first, count, [write]);
      return ((cpuSeconds(pids) - before) * 1e6) / (count * size);
    };
    const cpuBatches = opts.quick ? 2 : 10;
    const storePids = await serverPids(`application_name = '${app}'`);
    const adminPid = await serverPids('pid = pg_backend_pid()');
    opts.log('postgres: CPU seconds of the store and of the bare COPY (client and server processes)');
    const at = timed * 2 + prefill;
    const storeCpu = await cpuOf(storePids, storeWrite, at, cpuBatches);
    const bareCpu = await cpuOf(adminPid, bare, at, cpuBatches);
    const floorCpu = await cpuOf(adminPid, floor, at, cpuBatches);
    for (const [name, value] of [
      ['postgres store write', storeCpu],
      ['postgres COPY into a logged table with the PK only', floorCpu],
    ] as const)
      rows.push({
        name: `${name}, CPU s per million readings (client + server)`,
        value,
        unit: 'cpu s',
        baseline: { name: 'bare binary COPY, unlogged, no keys', value: bareCpu },
        ratio: value / bareCpu,
      });
    opts.log('postgres: re-write of stored batches (all duplicates)');
    const [dup = 0, dupBare = 0] = await turns(b, 0, Math.min(timed, 10), [storeWrite, bare]);
    rows.push(row('postgres store re-write (all duplicates)', dup, dupBare, false));
    // Two writers, each with the channels of one half (as two log partitions give them), against one.
    const peer = await createPostgresStore({ url: PG_URL, schema, poolSize: 2 });
    try {
      const halves = [newBatch(ids, size / 2), newBatch(ids, size / 2)] as const;
      const split: Writer = async (x) => {
        splitByChannel(x, halves);
        await store.readings.write(halves[0]);
        await store.readings.write(halves[1]);
      };
      const parallel: Writer = async (x) => {
        splitByChannel(x, halves);
        await Promise.all([store.readings.write(halves[0]), peer.readings.write(halves[1])]);
      };
      const at2 = timed * 2 + prefill + cpuBatches;
      opts.log('postgres: one writer against two writers at once, each with half the channels');
      const half = Math.floor(timed / 2);
      const [one = 0] = await turns(b, at2, half, [split]);
      const [two = 0] = await turns(b, at2 + half, half, [parallel]);
      rows.push({
        name: 'postgres store write, 2 writers at once (half the channels each)',
        value: two,
        unit: 'readings/s',
        baseline: { name: 'one writer, the same halves one after the other', value: one },
        ratio: two / one,
      });
    } finally {
      await peer.close();
    }
    // The JetStream worker writes frames of about 5,000 readings: the per-write cost shows here.
    const small = newBatch(ids, 5000);
    const first = ((timed * 3 + prefill + cpuBatches) * size) / 5000;
    opts.log('postgres: batches of 5,000 readings');
    const [s5 = 0, b5 = 0] = await turns(small, first, opts.quick ? 40 : 200, [storeWrite, bare]);
    rows.push(row('postgres store write, batches of 5,000', s5, b5, false));
    return rows;
  } finally {
    await store.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}

/** A long CSV (meter, channel, timestamp, value) of `n` readings, 100 channels at 1 s, written by DuckDB. */
async function generateCsv(path: string, n: number): Promise<void> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(`COPY (SELECT 'm' || ((i % ${CHANNELS}) // 10) AS meter, 'c' || (i % ${CHANNELS}) AS channel,
      1704067200000 + (i // ${CHANNELS}) * 1000 AS timestamp, ((i * 7919) % 100000) / 10 AS value
    FROM range(${n}) t(i) ORDER BY i) TO '${path}' (HEADER, DELIMITER ',')`);
  conn.closeSync();
  db.closeSync();
}

async function importRows(opts: BenchOptions): Promise<BenchRow[]> {
  const n = opts.quick ? 500_000 : 5_000_000;
  const csv = join(opts.tmpDir, 'long.csv');
  opts.log(`generating ${n.toLocaleString()} readings in ${csv}`);
  await generateCsv(csv, n);
  const schema = `t_bench_pgi_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query(
      `CREATE TABLE ${schema}.bare (meter TEXT, channel TEXT, ts BIGINT, value DOUBLE PRECISION)`,
    );
    const copy = await timeIt(() =>
      promisify(execFile)('psql', [
        PG_URL,
        '-v',
        'ON_ERROR_STOP=1',
        '-c',
        `\\copy ${schema}.bare FROM '${csv}' (FORMAT csv, HEADER)`,
      ]),
    );
    opts.log(`psql \\copy: ${copy.seconds.toFixed(2)} s`);
    const store = await createPostgresStore({ url: PG_URL, schema, poolSize: 2 });
    try {
      await store.migrate();
      const imp = await timeIt(() =>
        importFile(store, { path: csv, unit: 'W', facility: 'bench', quarantineDir: opts.tmpDir }),
      );
      const stored = await store.readings.count();
      if (stored !== n) throw new Error(`postgres import stored ${stored} of ${n}`);
      opts.log(`postgres import: ${imp.seconds.toFixed(2)} s`);
      return [
        {
          name: `import long CSV (${n / 1e6}M readings) -> PostgreSQL`,
          value: n / imp.seconds,
          unit: 'readings/s',
          baseline: { name: 'psql \\copy of the file into a keyless table', value: n / copy.seconds },
          ratio: imp.seconds / copy.seconds,
        },
      ];
    } finally {
      await store.close();
    }
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await admin.end();
  }
}

const bench: Bench = {
  name: 'pg-write',
  async run(opts) {
    const ids = Array.from({ length: CHANNELS }, (_, i) => `ch-${String(i).padStart(3, '0')}`);
    return [...(await writeRows(opts, ids)), ...(await importRows(opts))];
  },
};

export default bench;
