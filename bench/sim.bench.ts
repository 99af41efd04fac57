/**
 * Simulator throughput: readings generated per second, written to Parquet, and loaded into the DuckDB
 * store, each against DuckDB's own `range()` writing the same number of rows of the same schema to
 * Parquet in the same run (the practical limit). Extrapolates seed 001's 600 million readings.
 */
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { createFleet } from '../src/sim/fleet.ts';
import { writeParquetParallel } from '../src/sim/output/parquet-parallel.ts';
import { createParquetSink } from '../src/sim/output/parquet.ts';
import { loadIntoStore } from '../src/sim/output/store.ts';
import { generateReadings } from '../src/sim/readings.ts';
import { createDuckdbStore } from '../src/store/duckdb/index.ts';
import type { Bench, BenchRow } from './harness.ts';
import { timeIt } from './harness.ts';

const FROM = Date.UTC(2024, 0, 1);

async function rangeToParquet(rows: number, file: string): Promise<number> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const { seconds } = await timeIt(() =>
      conn.run(
        `COPY (SELECT (i % 5000)::INTEGER + 1 AS channel_key, (1704067200000 + (i // 5000) * 60000)::BIGINT AS ts,
           (i % 977) * 0.125 AS value, 0::UTINYINT AS quality FROM range(${rows}) t(i)) TO '${file}' (FORMAT parquet)`,
      ),
    );
    return rows / seconds;
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

const bench: Bench = {
  name: 'sim',
  async run({ quick, tmpDir, log }) {
    // seed 001-like fleet: appliance-level houses at 1 minute, plus seed 002 interval meters.
    const opts = { seed: 1, meters: quick ? 200 : 1000, applianceShare: 0.5, sampleMs: 60_000 };
    const days = quick ? 2 : 7;
    const to = FROM + days * 86_400_000;
    const fleet = createFleet(opts);
    const rows: BenchRow[] = [];

    let n = 0;
    const gen = await timeIt(async () => {
      for await (const b of generateReadings(fleet, { from: FROM, to })) n += b.length;
    });
    log(`${n.toLocaleString('en-US')} readings (${fleet.meters.length} meters x ${days} days)`);
    const genRate = n / gen.seconds;

    const baseline = await rangeToParquet(n, join(tmpDir, 'range.parquet'));
    log(`range() -> Parquet ${(baseline / 1e6).toFixed(2)} M rows/s`);
    const base = { name: 'DuckDB range() -> Parquet, same rows', value: baseline };

    rows.push({
      name: 'generate (no output)',
      value: genRate,
      unit: 'readings/s',
      baseline: base,
      ratio: genRate / baseline,
    });

    const single = await timeIt(async () => {
      const sink = await createParquetSink({ dir: join(tmpDir, 'p1'), channels: fleet.channels });
      for await (const b of generateReadings(fleet, { from: FROM, to })) await sink.write(b);
      return sink.close();
    });
    const singleRate = single.result / single.seconds;
    rows.push({
      name: 'generate -> Parquet, 1 thread',
      value: singleRate,
      unit: 'readings/s',
      baseline: base,
      ratio: singleRate / baseline,
    });

    const par = await timeIt(() =>
      writeParquetParallel(opts, { from: FROM, to, dir: join(tmpDir, 'p2'), workers: 2 }),
    );
    const parRate = par.result / par.seconds;
    rows.push({
      name: 'generate -> Parquet, 2 worker threads',
      value: parRate,
      unit: 'readings/s',
      baseline: base,
      ratio: parRate / baseline,
      goal: '>= 2,000,000 readings/s',
      met: parRate >= 2e6,
    });
    const best = Math.max(singleRate, parRate);
    const minutes = 600e6 / best / 60;
    rows.push({
      name: "seed 001's 600M readings -> Parquet (extrapolated)",
      value: minutes,
      unit: 'minutes',
      goal: '< 10 minutes',
      met: minutes < 10,
    });

    const store = await createDuckdbStore({ path: join(tmpDir, 'store.duckdb') });
    try {
      await store.migrate();
      const load = await timeIt(() => loadIntoStore(store, fleet, { from: FROM, to, batchSize: 500_000 }));
      const storeRate = load.result.inserted / load.seconds;
      rows.push({
        name: 'generate -> DuckDB store (readings.write)',
        value: storeRate,
        unit: 'readings/s',
        baseline: base,
        ratio: storeRate / baseline,
      });
    } finally {
      await store.close();
    }
    return rows;
  },
};

export default bench;
