/**
 * Reading the lake: every published file through one hive-partitioned `read_parquet`, the query's
 * organisation and days pruning folders before any file is opened, and repeated (channel, timestamp)
 * readings (a batch the log delivered twice, not yet compacted) answered once, the first written.
 */
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { ReadingBatch } from '../../domain/types.ts';
import { queryFloat64Columns, queryRows, sqlString } from '../../store/duckdb/connection.ts';
import { msToExportTimeSql } from '../../store/duckdb/export-time.ts';
import { emptyBatch } from '../../domain/reading-batch.ts';
import type { LakeExport, LakeExtent, LakeQuery } from '../port.ts';
import { dataGlob, isSafeOrgId, utcDay } from './layout.ts';
import { listPartitions, type PartitionFilter } from './partitions.ts';

/** The files a query with an organisation reads: its folders of the query's days only. */
async function filesOf(root: string, q: LakeQuery & { orgId: string }): Promise<string[]> {
  // An id that cannot name a folder has none (and must not walk outside the lake).
  if (!isSafeOrgId(q.orgId)) return [];
  const filter: PartitionFilter = { orgId: q.orgId };
  if (q.from !== undefined) filter.fromDay = utcDay(q.from);
  if (q.to !== undefined) filter.toDay = utcDay(Math.ceil(q.to) - 1);
  return (await listPartitions(root, filter)).flatMap((p) => p.files.map((f) => join(p.folder, f.name)));
}

/**
 * The SELECT of a query's readings, deduplicated; undefined when no file exists. With an organisation
 * it names the files of its days (listing one organisation's day folders, not the whole lake).
 */
async function selection(root: string, q: LakeQuery): Promise<string | undefined> {
  let source: string;
  if (q.orgId !== undefined) {
    const files = await filesOf(root, { ...q, orgId: q.orgId });
    if (files.length === 0) return undefined;
    source = `[${files.map(sqlString).join(', ')}]`;
  } else {
    const any = (await listPartitions(root)).some((p) => p.files.length > 0);
    if (!any) return undefined;
    source = sqlString(dataGlob(root));
  }
  const where: string[] = [];
  if (q.orgId !== undefined) where.push(`org = ${sqlString(q.orgId)}`);
  if (q.from !== undefined) {
    where.push(`day >= DATE ${sqlString(utcDay(q.from))}`);
    where.push(`ts >= ${Math.ceil(q.from)}`);
  }
  if (q.to !== undefined) {
    where.push(`day <= DATE ${sqlString(utcDay(Math.ceil(q.to) - 1))}`);
    where.push(`ts < ${Math.ceil(q.to)}`);
  }
  if (q.channelIds !== undefined)
    where.push(
      q.channelIds.length === 0
        ? 'false'
        : `channel_id IN (${q.channelIds.map((id) => sqlString(id)).join(', ')})`,
    );
  if (q.minutes !== undefined)
    where.push(
      q.minutes.length === 0
        ? 'false'
        : `(ts - ((ts % 60000) + 60000) % 60000) IN (${q.minutes.map((m) => String(Math.floor(m))).join(', ')})`,
    );
  return `SELECT channel_id, ts, value, quality
    FROM read_parquet(${source}, hive_partitioning = true, filename = true,
                      hive_types = {'org': VARCHAR, 'day': DATE, 'shard': INTEGER})
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    QUALIFY row_number() OVER (PARTITION BY channel_id, ts ORDER BY filename) = 1`;
}

/**
 * Runs `fn` with the query's SELECT on a fresh connection (`empty` when no file exists), again when a
 * file vanished under it (a compaction replaced it between the listing and the read; the next listing
 * finds the compacted file).
 */
async function withSelection<T>(
  db: DuckDBInstance,
  root: string,
  q: LakeQuery,
  empty: () => T,
  fn: (c: DuckDBConnection, sql: string) => Promise<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const sql = await selection(root, q);
    if (sql === undefined) return empty();
    const conn = await db.connect();
    try {
      return await fn(conn, sql);
    } catch (err) {
      if (attempt >= 2 || !/No such file|No files found|cannot open file/i.test(String(err))) throw err;
    } finally {
      conn.closeSync();
    }
  }
}

/** Published readings selected by `q`, ordered by channel and time. */
export async function readLake(db: DuckDBInstance, root: string, q: LakeQuery): Promise<ReadingBatch> {
  return withSelection(db, root, q, emptyBatch, async (conn, sql) => {
    await conn.run(`CREATE OR REPLACE TEMP TABLE lake_read AS ${sql}`);
    const ids = await queryRows(conn, 'SELECT DISTINCT channel_id FROM lake_read ORDER BY channel_id');
    const [c, ts, value, quality] = await queryFloat64Columns(
      conn,
      `SELECT (dense_rank() OVER (ORDER BY channel_id) - 1)::DOUBLE, ts::DOUBLE, value, quality::DOUBLE
       FROM lake_read ORDER BY channel_id, ts`,
    );
    const n = ts?.length ?? 0;
    return {
      channelIds: ids.map((r) => String(r['channel_id'])),
      channel: Int32Array.from(c ?? []),
      ts: ts ?? new Float64Array(0),
      value: value ?? new Float64Array(0),
      quality: Uint8Array.from(quality ?? []),
      length: n,
    };
  });
}

/** Number of published readings selected by `q`, each (channel, timestamp) once. */
export async function countLake(db: DuckDBInstance, root: string, q: LakeQuery): Promise<number> {
  return withSelection(
    db,
    root,
    q,
    () => 0,
    async (conn, sql) => {
      const [row] = await queryRows(conn, `SELECT count(*)::DOUBLE AS n FROM (${sql})`);
      return Number(row?.['n'] ?? 0);
    },
  );
}

/** The first and last published timestamps selected by `q` (UTC ms, inclusive), or undefined. */
export async function extentLake(
  db: DuckDBInstance,
  root: string,
  q: LakeQuery,
): Promise<LakeExtent | undefined> {
  return withSelection<LakeExtent | undefined>(
    db,
    root,
    q,
    () => undefined,
    async (conn, sql) => {
      const [row] = await queryRows(conn, `SELECT min(ts)::DOUBLE AS a, max(ts)::DOUBLE AS b FROM (${sql})`);
      const a = row?.['a'];
      return a === null || a === undefined ? undefined : { from: Number(a), to: Number(row?.['b']) };
    },
  );
}

/**
 * Writes the readings `queries` select together with the readings of a Parquet file the store exported
 * (columns `channel_id, time, value, quality`, time a TIMESTAMP in UTC) to one CSV or Parquet file in
 * the store's export form, ordered by channel and time; a (channel, timestamp) in both comes from the
 * store's file. Returns the readings written.
 */
export async function exportLake(db: DuckDBInstance, root: string, req: LakeExport): Promise<number> {
  const parts: string[] = [
    `SELECT channel_id, epoch_ms(time) AS ts, value, quality::UTINYINT AS quality, 0 AS src
     FROM read_parquet(${sqlString(req.storeFile)})`,
  ];
  for (const q of req.queries) {
    const sql = await selection(root, q);
    if (sql !== undefined) parts.push(`SELECT channel_id, ts, value, quality, 1 AS src FROM (${sql})`);
  }
  const time = msToExportTimeSql('ts', req.format);
  const options = req.format === 'csv' ? 'FORMAT csv, HEADER true' : 'FORMAT parquet, COMPRESSION zstd';
  const select = `SELECT channel_id, ${time} AS time, value, quality FROM (${parts.join(' UNION ALL ')})
    QUALIFY row_number() OVER (PARTITION BY channel_id, ts ORDER BY src) = 1 ORDER BY channel_id, ts`;
  const conn = await db.connect();
  try {
    return Number((await conn.run(`COPY (${select}) TO ${sqlString(req.path)} (${options})`)).rowsChanged);
  } finally {
    conn.closeSync();
  }
}
