/**
 * Child process of the atomicity test: opens the store named by the environment (LOADSCOPE_STORE,
 * LOADSCOPE_DUCKDB, LOADSCOPE_PG_URL, LOADSCOPE_PG_SCHEMA) and writes batches of `size` readings of
 * channel `c-mains` over consecutive time ranges, printing `committed <k> <ms>` after each, until
 * the parent kills it. Usage: crash-writer.ts <size> <batches>.
 */
import { loadConfig } from '../../config.ts';
import { openStore } from '../open-store.ts';
import { seriesBatch } from './fixtures.ts';

const size = Number(process.argv[2] ?? 100_000);
const batches = Number(process.argv[3] ?? 1000);
const store = await openStore(loadConfig(process.env));
const start = Date.UTC(2020, 0, 1);
for (let k = 0; k < batches; k++) {
  const t0 = Date.now();
  await store.readings.write(seriesBatch(['c-mains'], start + k * size * 1000, size, 1000));
  process.stdout.write(`committed ${k + 1} ${Date.now() - t0}\n`);
}
await store.close();
