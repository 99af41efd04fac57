import { readingCounts } from '../sql/reading-counts.ts';
import {
  BIGINT,
  DOUBLE,
  DuckDBDataChunk,
  INTEGER,
  UTINYINT,
  listValue,
  type DuckDBAppender,
  type DuckDBConnection,
} from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import type { Reading, ReadingBatch } from '../../domain/types.ts';
import { InputError, StoreError } from '../../errors.ts';
import { type PeekedChanges, type ReadingRepo, type WriteResult } from '../ports/readings.ts';
import {
  changeTokenRuns,
  peekedChanges,
  prepareBatch,
  type MinuteColumns,
  type PreparedBatch,
  bucketQuery,
  minuteAggregates,
  minuteColumnList,
  MINUTE_COLUMN_SIZES,
  cutMinutes,
  TS_RANGE,
  useMinutes,
  type BucketQuery,
} from '../readings-batch.ts';
import { queryFloat64Columns, queryRows, sqlString, type DuckdbContext } from './connection.ts';
import { msToExportTimeSql } from './export-time.ts';

/** The minute-row columns written at ingest for the batch layer, after the first six. */
const MINUTE_PAIR_COLUMNS = [
  ['pair_e', 'DOUBLE'],
  ['pair_cov', 'BIGINT'],
  ['max_dt', 'BIGINT'],
  ['first_ts', 'BIGINT'],
  ['last_ts', 'BIGINT'],
  ['last_v', 'DOUBLE'],
  ['edge', 'UTINYINT'],
] as const;

/**
 * DDL for readings and the change log. Uniqueness of (channel_key, ts) is kept by the write path (an
 * anti-join against the stored range), not by an index: an ART index made writes 3x slower at 2M rows
 * and grows with the table (docs/store.md).
 */
export const readingsSchema: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS readings (channel_key INTEGER NOT NULL, ts BIGINT NOT NULL, value DOUBLE NOT NULL, quality UTINYINT NOT NULL)`,
  // Per channel and UTC minute: min, max, sum and count of the readings, one partial row per write
  // (append-only; readers add partial rows up). Downsampling wide ranges reads these instead of every
  // reading; the batch layer reads energy from them (pair_e .. edge, see MinuteColumns in the port).
  `CREATE TABLE IF NOT EXISTS reading_minutes (channel_key INTEGER NOT NULL, minute BIGINT NOT NULL, min_v DOUBLE NOT NULL,
     max_v DOUBLE NOT NULL, sum_v DOUBLE NOT NULL, n INTEGER NOT NULL)`,
  // Added after the table existed: rows written before stay NULL there and the batch reads those channels raw.
  ...MINUTE_PAIR_COLUMNS.map(([c, t]) => `ALTER TABLE reading_minutes ADD COLUMN IF NOT EXISTS ${c} ${t}`),
  // Back-fills the minutes of a store created before the table existed (a no-op otherwise).
  addMinutes(
    '(SELECT * FROM readings WHERE NOT EXISTS (SELECT 1 FROM reading_minutes))',
    'channel_key',
    'ts',
  ),
  `CREATE SEQUENCE IF NOT EXISTS reading_changes_seq START 1`,
  `CREATE TABLE IF NOT EXISTS reading_changes (seq BIGINT NOT NULL DEFAULT nextval('reading_changes_seq'),
     channel_key INTEGER NOT NULL, from_ts BIGINT NOT NULL, to_ts BIGINT NOT NULL)`,
];

/** SQL for the start (UTC ms) of the minute holding `col`, for negative times too. */
function minuteOf(col: string): string {
  return `(${col} - ((${col} % 60000) + 60000) % 60000)`;
}

/**
 * SQL that adds the minute aggregates of `source` (columns `key`, `ts`, `value`; strictly increasing
 * per key once sorted) to reading_minutes: the same columns as {@link minuteAggregates}, each
 * reading's step to the next reading of its key in `source` counted in the reading's minute.
 */
function addMinutes(source: string, key: string, ts: string): string {
  return `INSERT INTO reading_minutes SELECT k, ${minuteOf('t')}, min(value), max(value), sum(value), count(*)::INTEGER,
      COALESCE(sum(value * (nt - t)), 0), COALESCE(sum(nt - t), 0), COALESCE(max(nt - t), 0), min(t), max(t),
      arg_max(value, t), (bool_or(pt IS NULL)::INTEGER + 2 * bool_or(nt IS NULL)::INTEGER)::UTINYINT
    FROM (SELECT ${key} AS k, ${ts} AS t, value, lead(${ts}) OVER w AS nt, lag(${ts}) OVER w AS pt
      FROM ${source} s WINDOW w AS (PARTITION BY ${key} ORDER BY ${ts})) GROUP BY ALL`;
}

/**
 * Downsampling SQL. Bucket of a time x: (x - from) * buckets // span, exact integer arithmetic. With
 * wide buckets every minute that lies inside one bucket comes from reading_minutes and only the
 * minutes cut by a bucket edge or an end of the range are read raw (an IN list of minute numbers,
 * which DuckDB answers with a hash probe per row rather than arithmetic on every reading).
 */
function downsampleSql(key: number, q: BucketQuery): string {
  const { from, to, span, buckets } = q;
  const bucket = (x: string) => `((${x} - ${from}) * ${buckets} // ${span})`;
  const raw = (where: string) =>
    `SELECT ${bucket('ts')} AS b, value AS mn, value AS mx, value AS sm, 1 AS n FROM readings
     WHERE channel_key = ${key} AND ts >= ${from} AND ts < ${to} ${where}`;
  if (!useMinutes(q)) {
    return `SELECT b::DOUBLE, min(mn), max(mx), avg(sm), count(*)::DOUBLE FROM (${raw('')}) GROUP BY b ORDER BY b`;
  }
  const cut = cutMinutes(q).map((m) => (m - TS_RANGE.min) / 60000);
  // A minute inside one bucket, by arithmetic on the few minute rows (the same set as "not cut").
  const inside = `${bucket('minute')} = ${bucket('minute + 59999')}`;
  // Minute numbers counted from 1900 are never negative, so integer division floors them; the
  // semi-join against the cut list is a hash probe per reading.
  const cutRaw = cut.length
    ? `AND (ts + ${-TS_RANGE.min}) // 60000 IN (SELECT unnest([${cut.join(', ')}]::BIGINT[]))`
    : 'AND false';
  return `SELECT b::DOUBLE, min(mn), max(mx), sum(sm) / sum(n), sum(n)::DOUBLE FROM (
      SELECT ${bucket('minute')} AS b, min_v AS mn, max_v AS mx, sum_v AS sm, n FROM reading_minutes
      WHERE channel_key = ${key} AND minute >= ${from} AND minute <= ${to - 60000} AND ${inside}
      UNION ALL ${raw(cutRaw)}
    ) GROUP BY b ORDER BY b`;
}

/** DuckDB's vector size: one data chunk carries at most this many rows. */
const CHUNK = 2048;
const STAGING_COLUMNS = [INTEGER, DOUBLE, DOUBLE, UTINYINT, INTEGER];
const READINGS_COLUMNS = [INTEGER, BIGINT, DOUBLE, UTINYINT];
const MINUTES_COLUMNS = [
  INTEGER,
  BIGINT,
  DOUBLE,
  DOUBLE,
  DOUBLE,
  INTEGER,
  DOUBLE,
  BIGINT,
  BIGINT,
  BIGINT,
  BIGINT,
  DOUBLE,
  UTINYINT,
];

/** The write side: its own connection (temp tables are per connection), a staging table and its appender. */
interface Writer {
  conn: DuckDBConnection;
  appender: DuckDBAppender;
  chunk: DuckDBDataChunk;
  /** Appender and chunk for the direct path into `readings`. */
  direct: DuckDBAppender;
  directChunk: DuckDBDataChunk;
  /** Appender and chunk for reading_minutes on the direct path. */
  minutes: DuckDBAppender;
  minutesChunk: DuckDBDataChunk;
  /** Timestamps as int64 (little-endian word pairs) for the direct path. */
  ts64: Int32Array;
  /** The last batch's minute rows, whose arrays the next batch reuses. */
  minuteRows?: MinuteColumns;
  /** 0, 1, 2, ... staged with each row so that the first occurrence of a duplicate wins. */
  rowIndex: Int32Array;
}

/** The DuckDB reading repository; `close()` releases its writer connection. */
export interface DuckdbReadingRepo extends ReadingRepo {
  close(): Promise<void>;
}

/** The duckdb implementation of {@link ReadingRepo}. */
export function createReadingRepo(ctx: DuckdbContext): DuckdbReadingRepo {
  const keys = new Map<string, number>();
  let writer: Promise<Writer> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  /** Serialises writes: one transaction at a time on the writer connection. */
  const exclusive = <T>(fn: (w: Writer) => Promise<T>): Promise<T> => {
    writer ??= openWriter(ctx).catch((cause: unknown) => {
      // Not cached: the next write tries again (e.g. after migrate() created the tables).
      writer = undefined;
      throw new StoreError('duckdb', 'open the reading writer', { cause });
    });
    const run = queue.then(async () => fn(await (writer as Promise<Writer>)));
    queue = run.catch(() => undefined);
    return run;
  };
  const keyOf = async (ids: string[]): Promise<Map<string, number>> => {
    const missing = ids.filter((id) => !keys.has(id));
    if (missing.length > 0) {
      const rows = await queryRows(
        ctx.reads,
        'SELECT id, key FROM channels WHERE id IN (SELECT unnest($1::VARCHAR[]))',
        [listValue(missing)],
      );
      for (const r of rows) keys.set(String(r['id']), Number(r['key']));
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
      return exclusive(async (w) => {
        try {
          if (prepared.increasing && (await nothingStoredIn(w.conn, prepared))) {
            await appendDirect(w, batch, prepared);
            return { inserted: batch.length, duplicates: 0 };
          }
          try {
            stage(w, batch, prepared);
            const inserted = await insertStaged(w.conn, prepared, batch.length);
            return { inserted, duplicates: batch.length - inserted };
          } finally {
            await w.conn.run('DELETE FROM staging');
          }
        } catch (cause) {
          throw new StoreError('duckdb', 'write readings', { cause });
        }
      });
    },
    async read(channelId, from, to): Promise<Reading[]> {
      const key = await keyOrUndefined(channelId);
      if (key === undefined) return [];
      const rows = await queryRows(
        ctx.reads,
        'SELECT ts, value, quality FROM readings WHERE channel_key = $1 AND ts >= $2 AND ts < $3 ORDER BY ts',
        [key, BigInt(Math.ceil(from)), BigInt(Math.ceil(to))],
      );
      return rows.map((r) => ({
        channelId,
        ts: Number(r['ts']),
        value: Number(r['value']),
        quality: Number(r['quality']) as Reading['quality'],
      }));
    },
    async readColumns(channelId, from, to) {
      const key = await keyOrUndefined(channelId);
      if (key === undefined) return { ts: new Float64Array(0), value: new Float64Array(0) };
      const [ts, value] = await queryFloat64Columns(
        ctx.reads,
        'SELECT ts::DOUBLE, value FROM readings WHERE channel_key = $1 AND ts >= $2 AND ts < $3 ORDER BY ts',
        [key, BigInt(Math.ceil(from)), BigInt(Math.ceil(to))],
      );
      return { ts: ts ?? new Float64Array(0), value: value ?? new Float64Array(0) };
    },
    async downsample(channelId, from, to, buckets) {
      const q = bucketQuery(from, to, buckets);
      const key = await keyOrUndefined(channelId);
      const cols = key === undefined ? [] : await queryFloat64Columns(ctx.reads, downsampleSql(key, q));
      const [
        b = new Float64Array(0),
        min = new Float64Array(0),
        max = new Float64Array(0),
        mean = new Float64Array(0),
        count = new Float64Array(0),
      ] = cols;
      return {
        ts: b.map((x) => q.from + (x * q.span) / q.buckets),
        min,
        max,
        mean,
        count: Uint32Array.from(count),
      };
    },
    ...readingCounts((sql, params) => queryRows(ctx.reads, sql, params), keyOrUndefined),
    // Both on the writer connection, between writes: a peek never sees half of a write's log entries.
    peekChanges: () =>
      exclusive(async (w): Promise<PeekedChanges> => {
        try {
          return peekedChanges(
            await queryRows(
              w.conn,
              'SELECT r.seq, c.id, r.from_ts, r.to_ts FROM reading_changes r LEFT JOIN channels c ON c.key = r.channel_key',
            ),
          );
        } catch (cause) {
          throw new StoreError('duckdb', 'peek reading changes', { cause });
        }
      }),
    async ackChanges(token) {
      const runs = changeTokenRuns(token);
      if (runs.length === 0) return;
      const values = runs.map(([lo, hi]) => `(${lo}, ${hi})`).join(', ');
      await exclusive(async (w) => {
        try {
          await w.conn.run(
            `DELETE FROM reading_changes USING (VALUES ${values}) AS g(lo, hi) WHERE seq BETWEEN g.lo AND g.hi`,
          );
        } catch (cause) {
          throw new StoreError('duckdb', 'acknowledge reading changes', { cause });
        }
      });
    },
    async exportReadings(req) {
      const where: string[] = [];
      if (req.channelIds !== undefined)
        where.push(`c.id IN (${req.channelIds.map(sqlString).join(', ') || 'NULL'})`);
      if (req.from !== undefined) where.push(`r.ts >= ${Math.ceil(req.from)}`);
      if (req.to !== undefined) where.push(`r.ts < ${Math.ceil(req.to)}`);
      const time = msToExportTimeSql('r.ts', req.format);
      const select = `SELECT c.id AS channel_id, ${time} AS time, r.value, r.quality FROM readings r JOIN channels c ON c.key = r.channel_key
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.id, r.ts`;
      const options = req.format === 'csv' ? 'FORMAT csv, HEADER true' : 'FORMAT parquet, COMPRESSION zstd';
      try {
        const result = await ctx.reads.use((c) =>
          c.run(`COPY (${select}) TO ${sqlString(req.path)} (${options})`),
        );
        return result.rowsChanged;
      } catch (cause) {
        throw new StoreError('duckdb', `export readings to ${req.path}`, { cause });
      }
    },
    async close() {
      await queue;
      if (!writer) return;
      const w = await writer.catch(() => undefined);
      writer = undefined;
      if (!w) return;
      w.appender.closeSync();
      w.direct.closeSync();
      w.minutes.closeSync();
      w.conn.closeSync();
    },
  };
}

async function openWriter(ctx: DuckdbContext): Promise<Writer> {
  const conn = await ctx.instance.connect();
  await conn.run(
    'CREATE TEMP TABLE IF NOT EXISTS staging (ck INTEGER, ts DOUBLE, value DOUBLE, quality UTINYINT, i INTEGER)',
  );
  const appender = await conn.createAppender('staging', 'main', 'temp');
  const direct = await conn.createAppender('readings');
  const minutes = await conn.createAppender('reading_minutes');
  return {
    conn,
    appender,
    chunk: DuckDBDataChunk.create(STAGING_COLUMNS),
    direct,
    directChunk: DuckDBDataChunk.create(READINGS_COLUMNS),
    minutes,
    minutesChunk: DuckDBDataChunk.create(MINUTES_COLUMNS),
    ts64: new Int32Array(0),
    rowIndex: new Int32Array(0),
  };
}

/** The stored rows a batch could collide with: same channel key range, same time range. */
function storedRange(p: PreparedBatch, columns = 'channel_key, ts'): string {
  return `SELECT ${columns} FROM readings WHERE ts BETWEEN ${p.minTs} AND ${p.maxTs} AND channel_key BETWEEN ${p.minKey} AND ${p.maxKey}`;
}

/**
 * True when no stored reading falls in the batch's per-channel time ranges. First the bounding box
 * (channel-key range x time range), which zone maps answer without reading a row group for new
 * data; when the box holds rows (a file ordered by meter then time splits a channel across batches,
 * so the previous batch's rows sit inside the next one's box), the exact ranges, as a join against
 * the box's rows only.
 */
async function nothingStoredIn(conn: DuckDBConnection, p: PreparedBatch): Promise<boolean> {
  const box = await queryRows(conn, `SELECT count(*) AS n FROM (${storedRange(p)} LIMIT 1)`);
  if (Number(box[0]?.['n'] ?? 1) === 0) return true;
  const ranges = p.ranges.map((r) => `(${r.key}, ${r.from}, ${r.to})`).join(', ');
  const exact = await queryRows(
    conn,
    `SELECT count(*) AS n FROM (SELECT 1 FROM (${storedRange(p)}) r
       JOIN (VALUES ${ranges}) g(k, lo, hi) ON r.channel_key = g.k AND r.ts BETWEEN g.lo AND g.hi LIMIT 1)`,
  );
  return Number(exact[0]?.['n'] ?? 1) === 0;
}

/**
 * The direct path for a batch that is new and free of in-batch duplicates: the appender writes
 * straight into `readings` inside a transaction that also logs the ranges. Writes are serialised
 * and a DuckDB file has one writing process, so nothing can land in the range between the check
 * and the commit.
 */
async function appendDirect(w: Writer, batch: ReadingBatch, p: PreparedBatch): Promise<void> {
  const n = batch.length;
  if (w.ts64.length < 2 * n) w.ts64 = new Int32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const t = batch.ts[i] as number;
    const hi = Math.floor(t / 4294967296);
    w.ts64[2 * i] = t - hi * 4294967296;
    w.ts64[2 * i + 1] = hi;
  }
  const columns = [p.keys, w.ts64, batch.value, batch.quality];
  const sizes = [4, 8, 8, 1];
  await w.conn.run('BEGIN TRANSACTION');
  try {
    appendColumns(w.direct, w.directChunk, { columns, length: n }, sizes);
    w.direct.flushSync();
    const values = p.ranges.map((r) => `(${r.key}, ${r.from}, ${r.to})`).join(', ');
    await w.conn.run(`INSERT INTO reading_changes (channel_key, from_ts, to_ts) VALUES ${values}`);
    const m = minuteAggregates(batch, p, w.minuteRows);
    w.minuteRows = m;
    appendColumns(w.minutes, w.minutesChunk, { columns: minuteColumnList(m), length: m.length }, [
      ...MINUTE_COLUMN_SIZES,
    ]);
    w.minutes.flushSync();
    await w.conn.run('COMMIT');
  } catch (err) {
    w.direct.clear();
    w.minutes.clear();
    await w.conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** Typed columns to append: `length` rows, each column's bytes per row given alongside. */
interface Columns {
  columns: (Int32Array | Float64Array | Uint8Array)[];
  length: number;
}

/** Appends typed columns chunk by chunk, copying each column's bytes straight into the vectors. */
function appendColumns(
  appender: DuckDBAppender,
  chunk: DuckDBDataChunk,
  data: Columns,
  sizes: number[],
): void {
  for (let off = 0; off < data.length; off += CHUNK) {
    const rows = Math.min(CHUNK, data.length - off);
    for (let c = 0; c < data.columns.length; c++) {
      const a = data.columns[c] as Int32Array | Float64Array | Uint8Array;
      const size = sizes[c] as number;
      duckdb.copy_data_to_vector(
        duckdb.data_chunk_get_vector(chunk.chunk, c),
        0,
        a.buffer as ArrayBuffer,
        a.byteOffset + off * size,
        rows * size,
      );
    }
    chunk.rowCount = rows;
    appender.appendDataChunk(chunk);
  }
}

/** Copies the batch's typed arrays into the staging table chunk by chunk, without a value per call. */
function stage(w: Writer, batch: ReadingBatch, p: PreparedBatch): void {
  const n = batch.length;
  if (w.rowIndex.length < n) w.rowIndex = Int32Array.from({ length: n }, (_, i) => i);
  const columns = [p.keys, batch.ts, batch.value, batch.quality, w.rowIndex];
  for (let off = 0; off < n; off += CHUNK) {
    const rows = Math.min(CHUNK, n - off);
    for (let c = 0; c < columns.length; c++) {
      const a = columns[c] as Int32Array | Float64Array | Uint8Array;
      const size = a.BYTES_PER_ELEMENT;
      duckdb.copy_data_to_vector(
        duckdb.data_chunk_get_vector(w.chunk.chunk, c),
        0,
        a.buffer as ArrayBuffer,
        a.byteOffset + off * size,
        rows * size,
      );
    }
    w.chunk.rowCount = rows;
    w.appender.appendDataChunk(w.chunk);
  }
  w.appender.flushSync();
}

/**
 * Moves the staged rows that are not stored yet into `readings` and records their ranges, in one
 * transaction. When the batch is strictly increasing per channel and turns out all new (an import)
 * or all stored (a re-import), the rows go straight across; otherwise the new rows are first
 * materialised (first occurrence wins) so that the change log holds only their range.
 */
async function insertStaged(conn: DuckDBConnection, p: PreparedBatch, n: number): Promise<number> {
  const stored = `(${storedRange(p)})`;
  await conn.run('BEGIN TRANSACTION');
  try {
    if (p.increasing) {
      const r = await conn.run(
        `INSERT INTO readings SELECT s.ck, s.ts::BIGINT, s.value, s.quality FROM staging s
         ANTI JOIN ${stored} r ON r.channel_key = s.ck AND r.ts = s.ts::BIGINT`,
      );
      const inserted = r.rowsChanged;
      if (inserted === n) {
        await conn.run(
          `INSERT INTO reading_changes (channel_key, from_ts, to_ts) SELECT ck, min(ts)::BIGINT, max(ts)::BIGINT FROM staging GROUP BY ck`,
        );
        await conn.run(addMinutes('(SELECT ck, ts::BIGINT AS ts, value FROM staging)', 'ck', 'ts'));
      }
      if (inserted === n || inserted === 0) {
        await conn.run('COMMIT');
        return inserted;
      }
      await conn.run('ROLLBACK');
      await conn.run('BEGIN TRANSACTION');
    }
    await conn.run(
      `CREATE OR REPLACE TEMP TABLE fresh AS
       SELECT s.ck AS channel_key, s.ts::BIGINT AS ts, arg_min(s.value, s.i) AS value, arg_min(s.quality, s.i) AS quality
       FROM staging s ANTI JOIN ${stored} r ON r.channel_key = s.ck AND r.ts = s.ts::BIGINT GROUP BY s.ck, s.ts`,
    );
    const r = await conn.run('INSERT INTO readings SELECT channel_key, ts, value, quality FROM fresh');
    await conn.run(
      `INSERT INTO reading_changes (channel_key, from_ts, to_ts) SELECT channel_key, min(ts), max(ts) FROM fresh GROUP BY channel_key`,
    );
    await conn.run(addMinutes('fresh', 'channel_key', 'ts'));
    await conn.run('DROP TABLE fresh');
    await conn.run('COMMIT');
    return r.rowsChanged;
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
