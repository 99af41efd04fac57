/**
 * Reading the lake: every published file through one hive-partitioned `read_parquet`, the query's
 * organisation and days pruning folders before any file is opened, and repeated (channel, timestamp)
 * readings (a batch the log delivered twice, not yet compacted) answered once, the first written.
 */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { ReadingBatch } from '../../domain/types.ts';
import { queryFloat64Columns, queryRows, sqlString } from '../../store/duckdb/connection.ts';
import type { LakeQuery } from '../port.ts';
import { dataGlob, utcDay } from './layout.ts';
import { listPartitions } from './partitions.ts';

/** The FROM clause and WHERE condition of a query, deduplicated; undefined when no file exists. */
async function selection(root: string, q: LakeQuery): Promise<string | undefined> {
  const any = (await listPartitions(root)).some((p) => p.files.length > 0);
  if (!any) return undefined;
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
  return `SELECT channel_id, ts, value, quality
    FROM read_parquet(${sqlString(dataGlob(root))}, hive_partitioning = true, filename = true,
                      hive_types = {'org': VARCHAR, 'day': DATE, 'shard': INTEGER})
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    QUALIFY row_number() OVER (PARTITION BY channel_id, ts ORDER BY filename) = 1`;
}

/**
 * Runs `fn` on a fresh connection, again once when a file vanished under it (a compaction replaced
 * it between the listing and the read; the second listing finds the compacted file).
 */
async function withConnection<T>(db: DuckDBInstance, fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const conn = await db.connect();
    try {
      return await fn(conn);
    } catch (err) {
      if (attempt >= 2 || !/No such file|No files found|cannot open file/i.test(String(err))) throw err;
    } finally {
      conn.closeSync();
    }
  }
}

/** Published readings selected by `q`, ordered by channel and time. */
export async function readLake(db: DuckDBInstance, root: string, q: LakeQuery): Promise<ReadingBatch> {
  const empty: ReadingBatch = {
    channelIds: [],
    channel: new Int32Array(0),
    ts: new Float64Array(0),
    value: new Float64Array(0),
    quality: new Uint8Array(0),
    length: 0,
  };
  const sql = await selection(root, q);
  if (sql === undefined) return empty;
  return withConnection(db, async (conn) => {
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
  const sql = await selection(root, q);
  if (sql === undefined) return 0;
  return withConnection(db, async (conn) => {
    const [row] = await queryRows(conn, `SELECT count(*)::DOUBLE AS n FROM (${sql})`);
    return Number(row?.['n'] ?? 0);
  });
}
