/**
 * Child process of the retention crash test: `<duckdb file> <lake dir>` runs retention for org-a of
 * the test world on "now" = NOW, a few days per group (many append, publish, verify and delete steps),
 * printing `day <n>` as it goes, until it is done (`done`) or killed.
 */
import { createDuckdbStore } from '../../store/duckdb/index.ts';
import { openParquetLake } from '../../lake/parquet/index.ts';
import { runRetention } from '../run.ts';
import { NOW, PLACES_BY_ID } from './world.ts';

const [file, dir] = process.argv.slice(2);
const store = await createDuckdbStore({ path: String(file), threads: 1 });
const lake = await openParquetLake({
  dir: String(dir),
  place: (id) => PLACES_BY_ID.get(id),
  shards: 4,
  compactEveryMs: 0,
  writerId: `${(await import('node:os')).hostname()}.${process.pid}@retention`,
});
let n = 0;
await runRetention(
  { store, lake, now: () => NOW, groupReadings: 800, log: () => process.stdout.write(`day ${++n}\n`) },
  'org-a',
);
await lake.close();
await store.close();
process.stdout.write('done\n');
