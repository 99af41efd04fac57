/**
 * One import against DuckDB's bare load of the same file, for a file of your choice (the before/after
 * figures of docs/importers.md):
 *
 *   npx tsx bench/import-once.ts FILE|PARQUET_FOLDER [--facility ID] [--unit W] [--batch-size N] [--cli]
 *
 * Loads FILE with `read_csv` (a simulator Parquet folder: its `readings-*.parquet` with
 * `read_parquet`) into a keyless table, then imports it with `importFile` into a fresh DuckDB store,
 * in one process; prints wall and process CPU seconds of each, readings/s, the ratio, CPU us per
 * reading and the load average. `--cli` also runs `loadscope import` as a process of its own under
 * `/usr/bin/time` (the whole process: start-up, catalog, import, close).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { importFile } from '../src/ingest/import-file.ts';
import { createDuckdbStore } from '../src/store/duckdb/index.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    facility: { type: 'string' },
    unit: { type: 'string' },
    'batch-size': { type: 'string' },
    cli: { type: 'boolean', default: false },
  },
});
const file = positionals[0];
if (!file)
  throw new Error(
    'usage: npx tsx bench/import-once.ts FILE|PARQUET_FOLDER [--facility ID] [--unit W] [--batch-size N] [--cli]',
  );
const quoted = (p: string): string => `'${p.replaceAll("'", "''")}'`;
const bareFrom = (await stat(file)).isDirectory()
  ? `read_parquet(${quoted(join(file, 'readings-*.parquet'))})`
  : `read_csv(${quoted(file)})`;
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
  await conn.run(`CREATE TABLE bare AS SELECT * FROM ${bareFrom}`);
  const bare = (performance.now() - t0) / 1000;
  const bareCpu = cpu() - c0;
  const n = Number((await conn.runAndReadAll('SELECT count(*) FROM bare')).getRows()[0]?.[0]);
  console.log(
    `bare ${bareFrom.slice(0, 12)}: ${bare.toFixed(2)} s, ${bareCpu.toFixed(2)} CPU s, ${Math.round(n / bare).toLocaleString()} rows/s, ` +
      `${((bareCpu * 1e6) / n).toFixed(3)} CPU us per row (${load()})`,
  );
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
      `${(seconds / bare).toFixed(2)}x bare, ${(((cpu() - c0) * 1e6) / s.readings).toFixed(3)} CPU us per reading; ` +
      `${s.stored} stored, ${s.rejected} rejected (${load()})`,
  );
  if (values.cli) {
    // The whole `loadscope import` process, as the 600 M benchmark runs it.
    const cli = join(import.meta.dirname, '..', 'bin', 'loadscope.js');
    const args = [file, ...(values.facility ? ['--facility', values.facility] : [])];
    if (values.unit) args.push('--unit', values.unit);
    // Compiles dist/ first when src/ is newer, so that the timed run measures the import, not the build.
    spawnSync('node', [cli, '--help'], { stdio: 'ignore' });
    const before = load();
    t0 = performance.now();
    const run = spawnSync('/usr/bin/time', ['-v', 'node', cli, 'import', ...args], {
      env: { ...process.env, LOADSCOPE_DATA_DIR_STATE: join(dir, 'cli-state'), LOADSCOPE_LAKE: 'off' },
      stdio: ['ignore', 'ignore', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
    const out = run.stderr.toString();
    if (run.status !== 0) throw new Error(`loadscope import exited with ${run.status}: ${out.slice(-2000)}`);
    const wall = (performance.now() - t0) / 1000;
    const field = (name: string) => Number(new RegExp(`${name}: ([\\d.]+)`).exec(out)?.[1] ?? NaN);
    const cliCpu = field('User time \\(seconds\\)') + field('System time \\(seconds\\)');
    const rss = field('Maximum resident set size \\(kbytes\\)') / 1e6;
    console.log(
      `loadscope import (own process): ${wall.toFixed(2)} s, ${cliCpu.toFixed(2)} CPU s, ${Math.round(s.readings / wall).toLocaleString()} readings/s, ` +
        `${(wall / bare).toFixed(2)}x bare, ${((cliCpu * 1e6) / s.readings).toFixed(3)} CPU us per reading, peak ${rss.toFixed(2)} GB (${before} -> ${load()})`,
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
