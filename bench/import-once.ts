/**
 * One import against DuckDB's bare load of the same file, for a file of your choice (the before/after
 * figures of docs/importers.md):
 *
 *   npx tsx bench/import-once.ts FILE [--facility ID] [--unit W] [--batch-size N]
 *
 * Loads FILE with `read_csv` into a keyless table, then imports it with `importFile` into a fresh
 * DuckDB store, in one process; prints wall and process CPU seconds of each and the load average.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { importFile } from '../src/ingest/import-file.ts';
import { createDuckdbStore } from '../src/store/duckdb/index.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { facility: { type: 'string' }, unit: { type: 'string' }, 'batch-size': { type: 'string' } },
});
const file = positionals[0];
if (!file)
  throw new Error('usage: npx tsx bench/import-once.ts FILE [--facility ID] [--unit W] [--batch-size N]');
const cpu = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};
const load = (): string => `load ${loadavg()[0]!.toFixed(2)}`;
const dir = await mkdtemp(join(tmpdir(), 'loadscope-import-once-'));
try {
  const db = await DuckDBInstance.create(join(dir, 'bare.duckdb'));
  const conn = await db.connect();
  let c0 = cpu();
  let t0 = performance.now();
  await conn.run(`CREATE TABLE bare AS SELECT * FROM read_csv('${file.replaceAll("'", "''")}')`);
  const bare = (performance.now() - t0) / 1000;
  console.log(`bare read_csv: ${bare.toFixed(2)} s, ${(cpu() - c0).toFixed(2)} CPU s (${load()})`);
  conn.closeSync();
  db.closeSync();

  const store = await createDuckdbStore({ path: join(dir, 'import.duckdb') });
  await store.migrate();
  c0 = cpu();
  t0 = performance.now();
  const s = await importFile(store, {
    path: file,
    facility: values.facility,
    unit: values.unit,
    batchSize: values['batch-size'] === undefined ? undefined : Number(values['batch-size']),
    quarantineDir: dir,
  });
  const seconds = (performance.now() - t0) / 1000;
  await store.close();
  console.log(
    `import: ${seconds.toFixed(2)} s, ${(cpu() - c0).toFixed(2)} CPU s, ${Math.round(s.readings / seconds).toLocaleString()} readings/s, ` +
      `${(seconds / bare).toFixed(2)}x read_csv; ${s.stored} stored, ${s.rejected} rejected (${load()})`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
