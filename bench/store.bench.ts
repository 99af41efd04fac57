/**
 * Store write path: generated readings (100 channels at 1 s, interleaved as a wide import delivers
 * them) written in batches of 100k through ReadingRepo.write, against the bare engine in the same
 * run: DuckDB's appender into a table without keys, PostgreSQL's binary COPY into an unlogged table
 * without keys. Also the re-import (all duplicates) rate and server-side downsampling.
 */
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';
import { DOUBLE, DuckDBDataChunk, DuckDBInstance, INTEGER, UTINYINT } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { ReadingBatch } from '../src/domain/types.ts';
import { createDuckdbStore } from '../src/store/duckdb/index.ts';
import { createPostgresStore } from '../src/store/postgres/index.ts';
import { encodeBinaryCopy } from '../src/store/postgres/copy-binary.ts';
import type { Store } from '../src/store/store.ts';
import { seedPowerCatalog, type Bench, type BenchOptions, type BenchRow } from './harness.ts';
import { powerMains } from '../src/store/contract/fixtures.ts';

const CHANNELS = 100;
const BATCH = 100_000;
const T0 = Date.UTC(2024, 0, 1);
const PG_URL = process.env['LOADSCOPE_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Fills `b` with batch number `k` of the generated series (channel index = channel key - 1 here). */
function fill(b: ReadingBatch, k: number): void {
  for (let i = 0; i < b.length; i++) {
    const g = k * b.length + i;
    b.channel[i] = g % CHANNELS;
    b.ts[i] = T0 + Math.floor(g / CHANNELS) * 1000;
    b.value[i] = 200 + (g % 977) * 0.5;
  }
}

function newBatch(ids: string[]): ReadingBatch {
  return {
    channelIds: ids,
    channel: new Int32Array(BATCH),
    ts: new Float64Array(BATCH),
    value: new Float64Array(BATCH),
    quality: new Uint8Array(BATCH),
    length: BATCH,
  };
}

/**
 * Times each writer on every batch, taking turns batch by batch so that the machine's load (shared,
 * noisy) weighs on all of them alike; data generation is not timed. Returns readings/s per writer.
 */
async function rates(
  batches: number,
  b: ReadingBatch,
  writers: ((b: ReadingBatch) => Promise<unknown>)[],
): Promise<number[]> {
  const seconds = writers.map(() => 0);
  for (let k = 0; k < batches; k++) {
    fill(b, k);
    for (let w = 0; w < writers.length; w++) {
      const t0 = process.hrtime.bigint();
      await (writers[w] as (b: ReadingBatch) => Promise<unknown>)(b);
      seconds[w] = (seconds[w] as number) + Number(process.hrtime.bigint() - t0) / 1e9;
    }
  }
  return seconds.map((s) => (batches * b.length) / s);
}

async function duckdbRows(opts: BenchOptions, total: number, ids: string[]): Promise<BenchRow[]> {
  const batches = total / BATCH;
  const b = newBatch(ids);
  // Baseline: the bare appender into a keyless table, data chunks copied straight from the typed arrays.
  const bare = await DuckDBInstance.create(join(opts.tmpDir, 'bare.duckdb'), { threads: '2' });
  const conn = await bare.connect();
  await conn.run('CREATE TABLE bare (channel_key INTEGER, ts DOUBLE, value DOUBLE, quality UTINYINT)');
  const appender = await conn.createAppender('bare');
  const chunk = DuckDBDataChunk.create([INTEGER, DOUBLE, DOUBLE, UTINYINT]);
  const bareWrite = async (x: ReadingBatch) => {
    const cols = [x.channel, x.ts, x.value, x.quality];
    for (let off = 0; off < x.length; off += 2048) {
      const n = Math.min(2048, x.length - off);
      cols.forEach((a, c) =>
        duckdb.copy_data_to_vector(
          duckdb.data_chunk_get_vector(chunk.chunk, c),
          0,
          a.buffer as ArrayBuffer,
          off * a.BYTES_PER_ELEMENT,
          n * a.BYTES_PER_ELEMENT,
        ),
      );
      chunk.rowCount = n;
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  };
  const store = await createDuckdbStore({ path: join(opts.tmpDir, 'store.duckdb'), threads: 2 });
  try {
    await store.migrate();
    await seedPowerCatalog(store, ids);
    opts.log(`duckdb: store write and bare appender, batch by batch, ${total.toLocaleString()} readings`);
    const [storeRate = 0, bareRate = 0] = await rates(batches, b, [
      (x) => store.readings.write(x),
      bareWrite,
    ]);
    opts.log('duckdb: re-write of the first 10 batches (all duplicates)');
    const [dupRate = 0] = await rates(Math.min(10, batches), b, [(x) => store.readings.write(x)]);
    const rows: BenchRow[] = [
      {
        name: `duckdb store write ${total / 1e6}M readings`,
        value: storeRate,
        unit: 'readings/s',
        baseline: { name: 'bare appender, no keys', value: bareRate },
        ratio: bareRate / storeRate,
        goal: '>= 2e6 readings/s (the store takes at most half of a 1e6/s import)',
        met: storeRate >= 2e6,
      },
      {
        name: 'duckdb store re-write (all duplicates)',
        value: dupRate,
        unit: 'readings/s',
        baseline: { name: 'bare appender, no keys', value: bareRate },
        ratio: bareRate / dupRate,
      },
    ];
    const perChannel = total / CHANNELS;
    const small = await time(() =>
      store.readings.downsample(ids[0] as string, T0, T0 + perChannel * 1000, 1000),
    );
    const year = await writeYear(opts, store);
    const big = await time(() => store.readings.downsample('year', T0, T0 + year * 1000, 1000));
    await store.close();
    // The baseline runs on the same file once the store has let go of it.
    const plain = await DuckDBInstance.create(join(opts.tmpDir, 'store.duckdb'), {
      threads: '2',
      access_mode: 'READ_ONLY',
    });
    const pc = await plain.connect();
    try {
      const keyOf = async (id: string) =>
        Number((await pc.runAndReadAll(`SELECT key FROM channels WHERE id = '${id}'`)).getRows()[0]?.[0]);
      const naiveSmall = await time(async () =>
        pc.run(naiveDownsample('duckdb', await keyOf(ids[0] as string), T0, T0 + perChannel * 1000)),
      );
      const naiveBig = await time(async () =>
        pc.run(naiveDownsample('duckdb', await keyOf('year'), T0, T0 + year * 1000)),
      );
      rows.push(downsampleRow('duckdb', perChannel, small, naiveSmall));
      rows.push(
        downsampleRow(
          'duckdb',
          year,
          big,
          naiveBig,
          opts.quick ? {} : { goal: 'a year of 1 s data in < 1 s', met: big < 1 },
        ),
      );
    } finally {
      pc.closeSync();
      plain.closeSync();
    }
    return rows;
  } finally {
    appender.closeSync();
    conn.closeSync();
    bare.closeSync();
    await store.close();
  }
}

/** The straightforward downsampling statement: one GROUP BY over every reading of the range. */
function naiveDownsample(kind: 'duckdb' | 'postgres', key: number, from: number, to: number): string {
  const div = kind === 'duckdb' ? '//' : '/';
  return `SELECT (ts - ${from}) * 1000 ${div} ${to - from} AS b, min(value), max(value), avg(value), count(*)
    FROM readings WHERE channel_key = ${key} AND ts >= ${from} AND ts < ${to} GROUP BY b ORDER BY b`;
}

/** A downsampling figure against the straightforward GROUP BY on the same data, same run. */
function downsampleRow(
  kind: string,
  readings: number,
  seconds: number,
  naive: number,
  goal?: Pick<BenchRow, 'goal' | 'met'>,
): BenchRow {
  return {
    name: `${kind} downsample ${readings.toLocaleString()} readings of one channel to 1,000 buckets`,
    value: seconds,
    unit: 's',
    baseline: { name: 'one plain GROUP BY statement', value: naive },
    ratio: seconds / naive,
    ...goal,
  };
}

/** Writes one channel with a year (quick: 30 days) of 1 s data; returns the number of readings. */
async function writeYear(opts: BenchOptions, store: Store): Promise<number> {
  const n = opts.quick ? 30 * 86_400 : 365 * 86_400;
  await store.catalog.upsertChannels([{ ...powerMains('year', 'm'), name: 'year' }]);
  opts.log(`${store.kind}: writing ${n.toLocaleString()} readings of one channel at 1 s`);
  const size = 1_000_000;
  const b: ReadingBatch = {
    channelIds: ['year'],
    channel: new Int32Array(size),
    ts: new Float64Array(size),
    value: new Float64Array(size),
    quality: new Uint8Array(size),
    length: size,
  };
  for (let o = 0; o < n; o += size) {
    b.length = Math.min(size, n - o);
    for (let i = 0; i < b.length; i++) {
      b.ts[i] = T0 + (o + i) * 1000;
      b.value[i] = 500 + 400 * Math.sin((o + i) / 3600);
    }
    await store.readings.write(b);
  }
  return n;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function postgresRows(opts: BenchOptions, total: number, ids: string[]): Promise<BenchRow[]> {
  const batches = total / BATCH;
  const b = newBatch(ids);
  const schema = `t_bench_store_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  const store = await createPostgresStore({ url: PG_URL, schema, poolSize: 2 });
  try {
    await store.migrate();
    await seedPowerCatalog(store, ids);
    await admin.query(
      `CREATE UNLOGGED TABLE ${schema}.bare (channel_key INTEGER, ts BIGINT, value DOUBLE PRECISION, quality SMALLINT)`,
    );
    const keys = new Int32Array(BATCH);
    opts.log(
      `postgres: store write and bare binary COPY into an unlogged table, batch by batch, ${total.toLocaleString()} readings`,
    );
    const bareWrite = async (x: ReadingBatch) => {
      for (let i = 0; i < x.length; i++) keys[i] = (x.channel[i] as number) + 1;
      const buf = encodeBinaryCopy(keys, x);
      await pipeline(
        async function* () {
          yield buf;
        },
        admin.query(copyFrom(`COPY ${schema}.bare FROM STDIN (FORMAT binary)`)),
      );
    };
    const [storeRate = 0, bareRate = 0] = await rates(batches, b, [
      (x) => store.readings.write(x),
      bareWrite,
    ]);
    return [
      {
        name: `postgres store write ${total / 1e6}M readings`,
        value: storeRate,
        unit: 'readings/s',
        baseline: { name: 'bare binary COPY, unlogged, no keys', value: bareRate },
        ratio: bareRate / storeRate,
      },
      await (async () => {
        const perChannel = total / CHANNELS;
        const to = T0 + perChannel * 1000;
        const key = Number(
          (await admin.query(`SELECT key FROM ${schema}.channels WHERE id = $1`, [ids[0]])).rows[0]?.key,
        );
        const ours = await time(() => store.readings.downsample(ids[0] as string, T0, to, 1000));
        const naive = await time(() =>
          admin.query(
            naiveDownsample('postgres', key, T0, to).replace('FROM readings', `FROM ${schema}.readings`),
          ),
        );
        return downsampleRow('postgres', perChannel, ours, naive);
      })(),
    ];
  } finally {
    await store.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}

const bench: Bench = {
  name: 'store',
  async run(opts) {
    const ids = Array.from({ length: CHANNELS }, (_, i) => `ch-${String(i).padStart(3, '0')}`);
    const duckTotal = opts.quick ? 1_000_000 : 10_000_000;
    // PostgreSQL writes about 10x slower on the 2-core machine; 2M keeps the full run near a minute.
    const pgTotal = opts.quick ? 200_000 : 2_000_000;
    return [...(await duckdbRows(opts, duckTotal, ids)), ...(await postgresRows(opts, pgTotal, ids))];
  },
};

export default bench;
