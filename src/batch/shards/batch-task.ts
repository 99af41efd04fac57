/**
 * One task of a sharded batch run (a Slurm array task or a worker thread): reads its lake partitions
 * (its meter shards, every day) into an in-memory DuckDB, runs the batch SQL of the single-process
 * batch on them (rollups per channel and local hour and day, threshold sketches per channel and UTC
 * day, percentile thresholds), and writes the
 * results as Parquet into the run's work folder, each file whole (temp name, then rename). Every
 * channel lives in one meter shard, so everything a task computes is final for its channels; the
 * reduce only concatenates.
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { readJsonIfExists, stagePaths, type StagedJobManifest } from '../../jobs/staging.ts';
import { rollupsDdl } from '../../store/sql/rollups/ddl.ts';
import { duckdbDialect } from '../../store/sql/rollups/dialect.ts';
import { computeThresholds, recomputeAllFromReadings } from '../../store/sql/rollups/sql-rollup-repo.ts';
import { lit, litList, taskSession } from './task-db.ts';
import {
  catalogPath,
  partialPaths,
  type BatchCatalog,
  type BatchPlan,
  type PlannedTask,
  type TaskReport,
} from './partials.ts';

/** Name of the plan file in the staging folder. */
export const PLAN_FILE = 'batch';

/** The shard function of a batch run (see src/jobs/shard-registry.ts). */
export async function runBatchTask(
  dir: string,
  index: number,
  _manifest: StagedJobManifest,
  log: (message: string) => void,
): Promise<TaskReport> {
  const t0 = Date.now();
  const plan = await readJsonIfExists<BatchPlan>(stagePaths.shared(dir, PLAN_FILE));
  if (!plan) throw new Error(`no batch plan at ${stagePaths.shared(dir, PLAN_FILE)}`);
  const task = plan.tasks[index];
  if (!task) throw new Error(`the batch plan has ${plan.tasks.length} task(s), not task ${index}`);
  const instance = await DuckDBInstance.create(':memory:', { threads: String(plan.threads) });
  const conn = await instance.connect();
  try {
    await loadCatalog(conn, dir);
    const readings = await loadReadings(conn, task);
    log(
      `task ${index}: ${readings} readings from ${fileCount(task)} file(s) of shard(s) ${task.shards.join(',')}`,
    );
    const s = taskSession(conn);
    const rollups = await recomputeAllFromReadings(s, duckdbDialect);
    // Every percentile from one sketch of each channel's days, as a single-process full run.
    const thresholds = await computeThresholds(s, duckdbDialect, {
      percentiles: plan.percentiles,
      now: plan.computedAt,
    });
    await writePartials(conn, plan.workDir, index);
    const report: TaskReport = {
      readings,
      channels: rollups.channels,
      hourRows: rollups.hourRows,
      dayRows: rollups.dayRows,
      thresholds,
      files: fileCount(task),
      seconds: (Date.now() - t0) / 1000,
    };
    log(`task ${index}: ${report.hourRows} hourly, ${report.dayRows} daily rows, ${thresholds} threshold(s)`);
    return report;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

const fileCount = (t: PlannedTask) => t.partitions.reduce((n, p) => n + p.files.length, 0);

/**
 * The tables the batch SQL joins, with the store's column types: `channels` (with a key of our own),
 * `meters`, `facilities`; and the empty rollup and threshold tables it writes.
 */
async function loadCatalog(conn: DuckDBConnection, dir: string): Promise<void> {
  const read = (name: keyof BatchCatalog, cols: string) =>
    `read_json(${lit(catalogPath(dir, name))}, format = 'array', columns = {${cols}})`;
  await conn.run(
    `CREATE TABLE facilities AS SELECT * FROM ${read('facilities', "id: 'VARCHAR', time_zone: 'VARCHAR'")}`,
  );
  await conn.run(
    `CREATE TABLE meters AS SELECT * FROM ${read('meters', "id: 'VARCHAR', facility_id: 'VARCHAR'")}`,
  );
  await conn.run(`CREATE TABLE channels AS
    SELECT CAST(row_number() OVER (ORDER BY id) AS INTEGER) AS key, * FROM ${read(
      'channels',
      `id: 'VARCHAR', meter_id: 'VARCHAR', measurement: 'VARCHAR', unit: 'VARCHAR', interval_ms: 'BIGINT',
       max_gap_ms: 'BIGINT', rollover_at: 'DOUBLE'`,
    )}`);
  for (const ddl of rollupsDdl(duckdbDialect, false)) await conn.run(ddl);
}

/**
 * `readings(channel_key, ts, value)` from the task's partitions, each (channel, timestamp) once, the
 * first written (as the store and the lake's readers keep it). A (channel, timestamp) lives in one
 * partition, so only partitions with several files (not yet compacted) need the deduplication.
 */
async function loadReadings(conn: DuckDBConnection, task: PlannedTask): Promise<number> {
  const single = task.partitions.filter((p) => p.files.length === 1).map((p) => join(p.folder, p.files[0]!));
  const multi = task.partitions
    .filter((p) => p.files.length > 1)
    .flatMap((p) => p.files.map((f) => join(p.folder, f)));
  const parts: string[] = [];
  if (single.length) parts.push(`SELECT channel_id, ts, value FROM read_parquet(${litList(single)})`);
  if (multi.length)
    parts.push(`SELECT channel_id, ts, value FROM read_parquet(${litList(multi)}, filename = true)
      QUALIFY row_number() OVER (PARTITION BY channel_id, ts ORDER BY filename) = 1`);
  const src = parts.length
    ? parts.join(' UNION ALL ')
    : 'SELECT NULL::VARCHAR AS channel_id, 0::BIGINT AS ts, 0::DOUBLE AS value WHERE false';
  await conn.run(`CREATE TABLE readings AS
    SELECT c.key AS channel_key, r.ts, r.value FROM (${src}) r JOIN channels c ON c.id = r.channel_id`);
  const [row] = (await conn.runAndReadAll('SELECT count(*)::DOUBLE AS n FROM readings')).getRowObjectsJS();
  return Number(row?.['n'] ?? 0);
}

/** Writes the task's rollups, thresholds and threshold sketches, with channel ids for keys, each file whole. */
async function writePartials(conn: DuckDBConnection, workDir: string, index: number): Promise<void> {
  await mkdir(workDir, { recursive: true });
  const paths = partialPaths(workDir, index);
  const byId = (table: string) =>
    `SELECT c.id AS channel_id, t.* EXCLUDE (channel_key) FROM ${table} t JOIN channels c ON c.key = t.channel_key`;
  const files: [string, string][] = [
    [paths.hour, byId('rollups_hour')],
    [paths.day, byId('rollups_day')],
    [paths.thresholds, byId('thresholds')],
    [paths.sketchDays, byId('threshold_days')],
    [paths.sketchBuckets, byId('threshold_buckets')],
  ];
  for (const [path, sql] of files) {
    const tmp = `${path}.${process.pid}.tmp`;
    try {
      await conn.run(`COPY (${sql}) TO ${lit(tmp)} (FORMAT parquet, COMPRESSION zstd)`);
      await rename(tmp, path);
    } finally {
      await rm(tmp, { force: true });
    }
  }
}
