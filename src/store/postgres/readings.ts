import { readingCounts } from '../sql/reading-counts.ts';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import { to as copyTo } from 'pg-copy-streams';
import type { Reading, ReadingBatch } from '../../domain/types.ts';
import { InputError, StoreError } from '../../errors.ts';
import { type ReadingRepo, type WriteResult } from '../ports/readings.ts';
import {
  bucketQuery,
  changeTokenRuns,
  cutMinutes,
  peekedChanges,
  useMinutes,
  type BucketQuery,
  prepareBatch,
} from '../readings-batch.ts';
import { queryRows, type PgContext } from './connection.ts';
import { MINUTE_PAIR_COLUMNS, addMinutes, writeReadings } from './readings-write.ts';

/** DDL for readings (range-partitioned by ts, one partition per UTC month, made on demand) and the change log. */
export const readingsSchema: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS readings (channel_key INTEGER NOT NULL, ts BIGINT NOT NULL, value DOUBLE PRECISION NOT NULL,
     quality SMALLINT NOT NULL, PRIMARY KEY (channel_key, ts)) PARTITION BY RANGE (ts)`,
  // Per channel and UTC minute: min, max, sum and count, one partial row per write (append-only;
  // readers add partial rows up). Downsampling wide ranges reads these instead of every reading; the
  // batch layer reads energy from them (pair_e .. edge, see MinuteColumns in the port).
  `CREATE TABLE IF NOT EXISTS reading_minutes (channel_key INTEGER NOT NULL, minute BIGINT NOT NULL, min_v DOUBLE PRECISION NOT NULL,
     max_v DOUBLE PRECISION NOT NULL, sum_v DOUBLE PRECISION NOT NULL, n INTEGER NOT NULL)`,
  // Added after the table existed: rows written before stay NULL there and the batch reads those channels raw.
  ...MINUTE_PAIR_COLUMNS.map(([c, t]) => `ALTER TABLE reading_minutes ADD COLUMN IF NOT EXISTS ${c} ${t}`),
  `CREATE INDEX IF NOT EXISTS reading_minutes_key ON reading_minutes (channel_key, minute)`,
  // Back-fills the minutes of a store created before the table existed (a no-op otherwise).
  addMinutes(
    '(SELECT * FROM readings WHERE NOT EXISTS (SELECT 1 FROM reading_minutes))',
    'channel_key',
    'ts',
  ),
  `CREATE TABLE IF NOT EXISTS reading_changes (seq BIGSERIAL PRIMARY KEY, channel_key INTEGER NOT NULL, from_ts BIGINT NOT NULL,
     to_ts BIGINT NOT NULL)`,
];

/** The postgres implementation of {@link ReadingRepo}. */
export function createReadingRepo(ctx: PgContext): ReadingRepo {
  const keys = new Map<string, number>();
  // Monthly partitions known to exist; each process creates the ones it needs once.
  const partitions = new Set<number>();
  const keyOf = async (ids: string[]): Promise<Map<string, number>> => {
    const missing = ids.filter((id) => !keys.has(id));
    if (missing.length > 0) {
      for (const r of await queryRows(ctx.pool, 'SELECT id, key FROM channels WHERE id = ANY($1::text[])', [
        missing,
      ])) {
        keys.set(String(r['id']), Number(r['key']));
      }
    }
    return keys;
  };
  const keyOrUndefined = async (channelId: string) => (await keyOf([channelId])).get(channelId);
  const inputError = (message: string, field: string) =>
    new InputError(message, { field, source: 'readings' });

  return {
    async write(batch: ReadingBatch): Promise<WriteResult> {
      if (batch.length === 0) return { inserted: 0, duplicates: 0 };
      const prepared = await prepareBatch(batch, keyOf, inputError);
      try {
        const inserted = await writeReadings(ctx, partitions, batch, prepared);
        return { inserted, duplicates: batch.length - inserted };
      } catch (cause) {
        throw new StoreError('postgres', 'write readings', { cause });
      }
    },
    async read(channelId, from, to): Promise<Reading[]> {
      const key = await keyOrUndefined(channelId);
      if (key === undefined) return [];
      const rows = await queryRows(
        ctx.pool,
        'SELECT ts::float8 AS ts, value, quality FROM readings WHERE channel_key = $1 AND ts >= $2 AND ts < $3 ORDER BY ts',
        [key, Math.ceil(from), Math.ceil(to)],
      );
      return rows.map((r) => ({
        channelId,
        ts: r['ts'] as number,
        value: r['value'] as number,
        quality: r['quality'] as Reading['quality'],
      }));
    },
    async readColumns(channelId, from, to) {
      const key = await keyOrUndefined(channelId);
      if (key === undefined) return { ts: new Float64Array(0), value: new Float64Array(0) };
      const res = await ctx.pool.query<[number, number]>({
        text: 'SELECT ts::float8, value FROM readings WHERE channel_key = $1 AND ts >= $2 AND ts < $3 ORDER BY ts',
        values: [key, Math.ceil(from), Math.ceil(to)],
        rowMode: 'array',
      });
      return {
        ts: Float64Array.from(res.rows, (r) => r[0]),
        value: Float64Array.from(res.rows, (r) => r[1]),
      };
    },
    async downsample(channelId, from, to, buckets) {
      const q = bucketQuery(from, to, buckets);
      const key = await keyOrUndefined(channelId);
      const { text, values } = downsampleSql(key ?? -1, q);
      const rows =
        key === undefined
          ? []
          : (
              await ctx.pool.query<[number, number, number, number, number]>({
                text,
                values,
                rowMode: 'array',
              })
            ).rows;
      return {
        ts: Float64Array.from(rows, (r) => q.from + (r[0] * q.span) / q.buckets),
        min: Float64Array.from(rows, (r) => r[1]),
        max: Float64Array.from(rows, (r) => r[2]),
        mean: Float64Array.from(rows, (r) => r[3]),
        count: Uint32Array.from(rows, (r) => r[4]),
      };
    },
    ...readingCounts((sql, params) => queryRows(ctx.pool, sql, params), keyOrUndefined),
    // One statement, one snapshot: the token names exactly the rows returned. An entry whose writer
    // took its number before the peek and commits after it is not in the snapshot, so not in the token.
    async peekChanges() {
      try {
        return peekedChanges(
          await queryRows(
            ctx.pool,
            'SELECT r.seq, c.id, r.from_ts, r.to_ts FROM reading_changes r LEFT JOIN channels c ON c.key = r.channel_key',
          ),
        );
      } catch (cause) {
        throw new StoreError('postgres', 'peek reading changes', { cause });
      }
    },
    async ackChanges(token) {
      const runs = changeTokenRuns(token);
      if (runs.length === 0) return;
      try {
        await ctx.pool.query(
          'DELETE FROM reading_changes r USING unnest($1::bigint[], $2::bigint[]) AS g(lo, hi) WHERE r.seq BETWEEN g.lo AND g.hi',
          [runs.map((x) => x[0]), runs.map((x) => x[1])],
        );
      } catch (cause) {
        throw new StoreError('postgres', 'acknowledge reading changes', { cause });
      }
    },
    async exportReadings(req) {
      const where: string[] = [];
      const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;
      if (req.channelIds !== undefined)
        where.push(`c.id IN (${req.channelIds.map(lit).join(', ') || 'NULL'})`);
      if (req.from !== undefined) where.push(`r.ts >= ${Math.ceil(req.from)}`);
      if (req.to !== undefined) where.push(`r.ts < ${Math.ceil(req.to)}`);
      // ISO 8601 in UTC from exact interval arithmetic on a zone-less TIMESTAMP (no session time zone).
      const time = `to_char(TIMESTAMP 'epoch' + r.ts * INTERVAL '1 millisecond', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
      const select = `SELECT c.id AS channel_id, ${time} AS time, r.value, r.quality FROM readings r JOIN channels c ON c.key = r.channel_key
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.id COLLATE "C", r.ts`;
      const tmp = req.format === 'parquet' ? await mkdtemp(join(tmpdir(), 'loadscope-export-')) : undefined;
      const csvPath = tmp ? join(tmp, 'readings.csv') : req.path;
      const client = await ctx.pool.connect();
      try {
        const stream = client.query(copyTo(`COPY (${select}) TO STDOUT WITH (FORMAT csv, HEADER true)`));
        await pipeline(stream, createWriteStream(csvPath));
        if (tmp) await csvToParquet(csvPath, req.path);
        return stream.rowCount;
      } catch (cause) {
        throw new StoreError('postgres', `export readings to ${req.path}`, { cause });
      } finally {
        client.release();
        if (tmp) await rm(tmp, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Downsampling SQL. Bucket of a time x: (x - from) * buckets / span in integer arithmetic. With wide
 * buckets every minute inside one bucket comes from reading_minutes and only the minutes cut by a
 * bucket edge or an end of the range are read raw, each through the primary key.
 */
function downsampleSql(key: number, q: BucketQuery): { text: string; values: unknown[] } {
  const { from, to, span, buckets } = q;
  const bucket = (x: string) => `((${x} - ${from}) * ${buckets} / ${span})`;
  const out = (source: string) =>
    `SELECT b::float8, min(mn), max(mx), sum(sm) / sum(n), sum(n)::float8 FROM (${source}) u GROUP BY b ORDER BY b`;
  const rawRow = `${bucket('r.ts')} AS b, r.value AS mn, r.value AS mx, r.value AS sm, 1 AS n`;
  if (!useMinutes(q)) {
    return {
      text: out(
        `SELECT ${rawRow} FROM readings r WHERE r.channel_key = ${key} AND r.ts >= ${from} AND r.ts < ${to}`,
      ),
      values: [],
    };
  }
  return {
    text: out(
      `SELECT ${bucket('minute')} AS b, min_v AS mn, max_v AS mx, sum_v AS sm, n FROM reading_minutes
       WHERE channel_key = ${key} AND minute >= ${from} AND minute <= ${to - 60000} AND ${bucket('minute')} = ${bucket('minute + 59999')}
       UNION ALL
       SELECT ${rawRow} FROM unnest($1::bigint[]) AS g(m)
       JOIN readings r ON r.channel_key = ${key} AND r.ts >= greatest(g.m, ${from}) AND r.ts < least(g.m + 60000, ${to})`,
    ),
    values: [cutMinutes(q)],
  };
}

/** Converts an exported CSV file to Parquet with an in-memory DuckDB. */
async function csvToParquet(csvPath: string, parquetPath: string): Promise<void> {
  const duck = await DuckDBInstance.create(':memory:');
  const conn = await duck.connect();
  const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;
  try {
    await conn.run(
      `COPY (SELECT * FROM read_csv(${lit(csvPath)}, header = true,
         columns = {'channel_id': 'VARCHAR', 'time': 'TIMESTAMPTZ', 'value': 'DOUBLE', 'quality': 'UTINYINT'}))
       TO ${lit(parquetPath)} (FORMAT parquet, COMPRESSION zstd)`,
    );
  } finally {
    conn.closeSync();
    duck.closeSync();
  }
}
