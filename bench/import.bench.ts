/**
 * Issue 2's and issue 12's import goal: a generated long CSV (meter, channel, timestamp, value; 100 channels, 1 s
 * steps, time-ordered) of 10 million readings (quick: 1 million) imported with `importFile`:
 * - into DuckDB, against DuckDB's own `read_csv` of the same file into a bare table (goal >= 1,000,000
 *   readings/s and within 3x of the bare load);
 * - into PostgreSQL, against a bare `COPY ... FROM STDIN (FORMAT csv)` of the same file into an
 *   unindexed table.
 * - the simulator's long CSV of a 1,000-meter fleet (2 days, about 5.8 M readings; quick: 1 day)
 *   into DuckDB against `read_csv` of the same file;
 * - the simulator's Parquet folder of bench/batch-600m.ts's fleet (3 days, 16.5 M readings; quick: 1
 *   day) into DuckDB against `read_parquet` of the same parts into a keyless table: the input of the
 *   600 M-reading load.
 * `LOADSCOPE_BENCH_IMPORT_NO_PG=1` leaves PostgreSQL out.
 * The ratio is import seconds / bare-load seconds ("x times the practical limit"). The load average
 * is logged with every absolute figure.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { createReadStream } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { importFile } from '../src/ingest/import-file.ts';
import type { ImportOptions } from '../src/ingest/types.ts';
import { createFleet } from '../src/sim/fleet.ts';
import { writeFleetFiles } from '../src/sim/output/files.ts';
import { createDuckdbStore } from '../src/store/duckdb/index.ts';
import { createPostgresStore } from '../src/store/postgres/index.ts';
import { timeIt, type Bench, type BenchRow } from './harness.ts';

/** User + system CPU seconds of this process so far. */
function cpuSeconds(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
}

const PG_URL = process.env['LOADSCOPE_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CHANNELS = 100;

async function generate(path: string, n: number): Promise<void> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(`COPY (SELECT 'm' || ((i % ${CHANNELS}) // 10) AS meter, 'c' || (i % ${CHANNELS}) AS channel,
      1704067200000 + (i // ${CHANNELS}) * 1000 AS timestamp, ((i * 7919) % 100000) / 10 AS value
    FROM range(${n}) t(i) ORDER BY i) TO '${path}' (HEADER, DELIMITER ',')`);
  conn.closeSync();
  db.closeSync();
}

/**
 * Imports `csv` (`n` readings) into a fresh DuckDB store with `importFile` and loads it bare with
 * DuckDB's `read_csv` into a keyless table, in the same run: readings/s and CPU seconds against the bare load.
 */
async function duckdbRows(
  tmpDir: string,
  log: (line: string) => void,
  what: string,
  csv: string,
  n: number,
  options: Partial<ImportOptions>,
  bareFrom = `read_csv('${csv}')`,
): Promise<BenchRow[]> {
  const tag = what.replace(/\W+/g, '-');
  const bareName = bareFrom.slice(0, bareFrom.indexOf('('));
  const bareDb = await DuckDBInstance.create(join(tmpDir, `bare-${tag}.duckdb`));
  const bareConn = await bareDb.connect();
  const c0 = cpuSeconds();
  const bare = await timeIt(() => bareConn.run(`CREATE TABLE bare AS SELECT * FROM ${bareFrom}`));
  const bareCpu = cpuSeconds() - c0;
  bareConn.closeSync();
  bareDb.closeSync();
  log(
    `${what}: duckdb ${bareName} ${bare.seconds.toFixed(2)} s, ${bareCpu.toFixed(2)} CPU s (${loadAverage()})`,
  );

  const store = await createDuckdbStore({ path: join(tmpDir, `import-${tag}.duckdb`) });
  await store.migrate();
  const i0 = cpuSeconds();
  const imp = await timeIt(() => importFile(store, { ...options, path: csv, quarantineDir: tmpDir }));
  const impCpu = cpuSeconds() - i0;
  const stored = await store.readings.count();
  await store.close();
  if (stored !== n || imp.result.rejected !== 0)
    throw new Error(`${what}: duckdb import stored ${stored} of ${n} (${imp.result.rejected} rejected)`);
  log(
    `${what}: duckdb import ${imp.seconds.toFixed(2)} s, ${impCpu.toFixed(2)} CPU s, ` +
      `${Math.round(n / imp.seconds).toLocaleString('en-US')} readings/s, ${(imp.seconds / bare.seconds).toFixed(2)}x ${bareName}, ` +
      `${((impCpu * 1e6) / n).toFixed(3)} CPU us per reading (${loadAverage()})`,
  );
  const rate = n / imp.seconds;
  return [
    {
      name: `import ${what} -> DuckDB`,
      value: rate,
      unit: 'readings/s',
      baseline: { name: `duckdb ${bareName} readings/s`, value: n / bare.seconds },
      ratio: imp.seconds / bare.seconds,
      goal: `>= 1,000,000 readings/s and within 3x of bare ${bareName}`,
      met: rate >= 1_000_000 && imp.seconds / bare.seconds <= 3,
    },
    // CPU seconds of this process (DuckDB's threads included) resist the noise of a shared machine.
    {
      name: `import ${what} -> DuckDB, CPU us per reading`,
      value: (impCpu * 1e6) / n,
      unit: 'cpu us',
      baseline: { name: `duckdb ${bareName} cpu us per reading`, value: (bareCpu * 1e6) / n },
      ratio: impCpu / bareCpu,
    },
  ];
}

/** The 1-minute load average, to print beside every absolute figure. */
function loadAverage(): string {
  return `load ${loadavg()[0]!.toFixed(2)}`;
}

const bench: Bench = {
  name: 'import',
  async run({ quick, tmpDir, log }) {
    const n = quick ? 1_000_000 : 10_000_000;
    const csv = join(tmpDir, 'long.csv');
    log(`generating ${n.toLocaleString()} readings in ${csv}`);
    await generate(csv, n);
    const rows: BenchRow[] = [];

    rows.push(...(await duckdbRows(tmpDir, log, 'long CSV', csv, n, { unit: 'W', facility: 'bench' })));

    // The simulator's long CSV (seed 001/002 fleet: facility column, ISO times, thousands of
    // channels, ordered by day, then meter, then time): the file `loadscope simulate` hands to the
    // 600 M benchmark, where the catalog and the per-channel batch checks matter.
    const dir = join(tmpDir, 'fleet');
    const days = quick ? 1 : 2;
    const fleet = createFleet({ seed: 1, meters: 1000 });
    const from = Date.UTC(2024, 0, 1);
    const made = await writeFleetFiles(fleet, { dir, from, to: from + days * 86_400_000, formats: ['csv'] });
    log(`simulated fleet: ${made.readings.toLocaleString()} readings, ${fleet.channels.length} channels`);
    rows.push(
      ...(await duckdbRows(tmpDir, log, 'simulated fleet CSV', join(dir, 'readings.csv'), made.readings, {})),
    );

    // The simulator's Parquet folder of a seed 001-like fleet (half the households appliance-level
    // at 1 minute, as bench/batch-600m.ts: 5.5 M readings a day), the input of the 600 M load.
    const pqDir = join(tmpDir, 'fleet-parquet');
    const pqFleet = createFleet({ seed: 1, meters: 1000, applianceShare: 0.5, sampleMs: 60_000 });
    const pq = await writeFleetFiles(pqFleet, {
      dir: pqDir,
      from,
      to: from + (quick ? 1 : 3) * 86_400_000,
      formats: ['parquet'],
    });
    log(`simulated Parquet fleet: ${pq.readings.toLocaleString()} readings`);
    const parts = join(pqDir, 'parquet');
    rows.push(
      ...(await duckdbRows(
        tmpDir,
        log,
        'simulated fleet Parquet',
        parts,
        pq.readings,
        {},
        `read_parquet('${join(parts, 'readings-*.parquet')}')`,
      )),
    );
    if (process.env['LOADSCOPE_BENCH_IMPORT_NO_PG']) return rows;

    const schema = `t_bench_import_${Math.random().toString(36).slice(2, 8)}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA ${schema}`);
      await admin.query(
        `CREATE TABLE ${schema}.bare (meter TEXT, channel TEXT, ts BIGINT, value DOUBLE PRECISION)`,
      );
      const copy = await timeIt(() =>
        pipeline(
          createReadStream(csv),
          admin.query(copyFrom(`COPY ${schema}.bare FROM STDIN (FORMAT csv, HEADER)`)),
        ),
      );
      log(`postgres bare COPY: ${copy.seconds.toFixed(2)} s`);
      const pgStore = await createPostgresStore({ url: PG_URL, schema, poolSize: 2 });
      await pgStore.migrate();
      const pimp = await timeIt(() =>
        importFile(pgStore, { path: csv, unit: 'W', facility: 'bench', quarantineDir: tmpDir }),
      );
      const pstored = await pgStore.readings.count();
      await pgStore.close();
      if (pstored !== n) throw new Error(`postgres import stored ${pstored} of ${n}`);
      log(`postgres import: ${pimp.seconds.toFixed(2)} s`);
      rows.push({
        name: 'import long CSV -> PostgreSQL',
        value: n / pimp.seconds,
        unit: 'readings/s',
        baseline: { name: 'postgres bare COPY readings/s', value: n / copy.seconds },
        ratio: pimp.seconds / copy.seconds,
        goal: 'report (no goal set): ratio to bare COPY',
      });
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
      await admin.end();
    }
    return rows;
  },
};

export default bench;
