/**
 * Lake write cost against the store's, in the same run (issue 11: writing a reading into the lake
 * costs at most a third of writing it into the store). The same readings (100 channels on 20 meters,
 * 1 s apart, in the reading log's frames of 5,000) go through ReadingRepo.write into a DuckDB store
 * and through Lake.append plus the publishing of every spool as Parquet (flush) into a lake. Cost is
 * CPU seconds of the process (DuckDB's threads included) per million readings, and wall time.
 * Store and lake are measured twice, interleaved (store, lake, store, lake), and the means compared.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { ReadingBatch } from '../src/domain/types.ts';
import { openParquetLake } from '../src/lake/parquet/index.ts';
import { createDuckdbStore } from '../src/store/duckdb/index.ts';
import { seedPowerCatalog, type Bench, type BenchRow } from './harness.ts';

const CHANNELS = 100;
const METERS = 20;
const FRAME = 5000;
const T0 = Date.UTC(2024, 0, 1);

/** Frame `k` of the generated stream. */
function frame(ids: string[], k: number): ReadingBatch {
  const b: ReadingBatch = {
    channelIds: ids,
    channel: new Int32Array(FRAME),
    ts: new Float64Array(FRAME),
    value: new Float64Array(FRAME),
    quality: new Uint8Array(FRAME),
    length: FRAME,
  };
  for (let i = 0; i < FRAME; i++) {
    const g = k * FRAME + i;
    b.channel[i] = g % CHANNELS;
    b.ts[i] = T0 + Math.floor(g / CHANNELS) * 1000;
    b.value[i] = 200 + (g % 977) * 0.5;
  }
  return b;
}

/** CPU seconds (user + system, all threads) and wall seconds of `fn`. */
async function cost(fn: () => Promise<void>): Promise<{ cpu: number; wall: number }> {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await fn();
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / 1e6, wall: Number(process.hrtime.bigint() - t0) / 1e9 };
}

const bench: Bench = {
  name: 'lake',
  async run({ quick, tmpDir, log }) {
    const frames = quick ? 80 : 400;
    const ids = Array.from({ length: CHANNELS }, (_, i) => `c${i}`);
    const batches = Array.from({ length: frames }, (_, k) => frame(ids, k));
    const n = frames * FRAME;

    const storeRun = async (run: number) => {
      const store = await createDuckdbStore({ path: join(tmpDir, `store-${run}.duckdb`) });
      await store.migrate();
      await seedPowerCatalog(store, ids, { meters: METERS, maxGapMs: 5000 });
      try {
        return await cost(async () => {
          for (const b of batches) await store.readings.write(b);
        });
      } finally {
        await store.close();
      }
    };
    const lakeRun = async (run: number) => {
      const lake = await openParquetLake({
        dir: join(tmpDir, `lake-${run}`),
        place: (id) => ({ orgId: 'o', meterId: `m${Number(id.slice(1)) % METERS}` }),
        compactEveryMs: 0,
      });
      try {
        let append = { cpu: 0, wall: 0 };
        const total = await cost(async () => {
          append = await cost(async () => {
            for (const b of batches) await lake.append(b);
          });
          await lake.flush();
        });
        return { ...total, appendCpu: append.cpu };
      } finally {
        await lake.close();
      }
    };
    const s1 = await storeRun(1);
    const l1 = await lakeRun(1);
    const s2 = await storeRun(2);
    const l2 = await lakeRun(2);
    const load = loadavg()[0] ?? 0;
    const perMillion = (c: { cpu: number }, d: { cpu: number }) => ((c.cpu + d.cpu) / 2 / n) * 1e6;
    const store = { cpu: perMillion(s1, s2), wall: (s1.wall + s2.wall) / 2 };
    const lake = { cpu: perMillion(l1, l2), wall: (l1.wall + l2.wall) / 2 };
    const appendCpu = ((l1.appendCpu + l2.appendCpu) / 2 / n) * 1e6;
    log(
      `${n} readings: store ${store.cpu.toFixed(2)} CPU s/M (${s1.wall.toFixed(2)}, ${s2.wall.toFixed(2)} s wall), ` +
        `lake ${lake.cpu.toFixed(2)} CPU s/M (${l1.wall.toFixed(2)}, ${l2.wall.toFixed(2)} s wall); load average ${load.toFixed(2)}`,
    );
    const rows: BenchRow[] = [
      {
        name: 'store write (DuckDB), frames of 5,000',
        value: Math.round(n / store.wall),
        unit: 'readings/s',
      },
      {
        name: 'lake append + publish as Parquet, frames of 5,000',
        value: Math.round(n / lake.wall),
        unit: 'readings/s',
      },
      {
        name: 'lake CPU per million readings',
        value: lake.cpu,
        unit: 'CPU s',
        baseline: { name: 'store write CPU per million', value: store.cpu },
        ratio: lake.cpu / store.cpu,
        goal: 'lake write cost <= 1/3 of store write cost (CPU)',
        met: lake.cpu / store.cpu <= 1 / 3,
      },
      {
        name: 'lake append alone (the ingest path) CPU per million',
        value: appendCpu,
        unit: 'CPU s',
        baseline: { name: 'store write CPU per million', value: store.cpu },
        ratio: appendCpu / store.cpu,
      },
      {
        // Wall time on a shared 2-core machine mostly measures the other tenants; reported, not a goal.
        name: 'lake wall time vs store wall time',
        value: lake.wall / store.wall,
        unit: 'x',
        ratio: lake.wall / store.wall,
      },
      { name: 'load average (1 min) during the run', value: load, unit: '' },
    ];
    return rows;
  },
};
export default bench;
