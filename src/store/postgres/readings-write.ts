import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { ReadingBatch } from '../../domain/types.ts';
import { minuteAggregates, type PreparedBatch } from '../readings-batch.ts';
import { inTransaction, type PgContext } from './connection.ts';
import { encodeBinaryCopy, encodeMinutesCopy, orderByChannel } from './copy-binary.ts';

/** SQL for the start (UTC ms) of the minute holding `col`, for negative times too. */
export function minuteOf(col: string): string {
  return `(${col} - ((${col} % 60000) + 60000) % 60000)`;
}

/** The minute-row columns written at ingest for the batch layer, after the first six. */
export const MINUTE_PAIR_COLUMNS = [
  ['pair_e', 'DOUBLE PRECISION'],
  ['pair_cov', 'BIGINT'],
  ['max_dt', 'BIGINT'],
  ['first_ts', 'BIGINT'],
  ['last_ts', 'BIGINT'],
  ['last_v', 'DOUBLE PRECISION'],
  ['edge', 'SMALLINT'],
] as const;

/**
 * SQL that adds the minute aggregates of `source` (columns `key`, `ts`, `value`; strictly increasing
 * per key once sorted) to reading_minutes: the same columns as `minuteAggregates`, each reading's
 * step to the next reading of its key in `source` counted in the reading's minute.
 */
export function addMinutes(source: string, key: string, ts: string): string {
  return `INSERT INTO reading_minutes SELECT k, ${minuteOf('t')}, min(value), max(value), sum(value), count(*),
      COALESCE(sum(value * (nt - t)), 0), COALESCE(sum(nt - t), 0), COALESCE(max(nt - t), 0), min(t), max(t),
      (array_agg(value ORDER BY t DESC))[1], (bool_or(pt IS NULL)::int + 2 * bool_or(nt IS NULL)::int)::smallint
    FROM (SELECT ${key} AS k, ${ts} AS t, value, lead(${ts}) OVER w AS nt, lag(${ts}) OVER w AS pt
      FROM ${source} s WINDOW w AS (PARTITION BY ${key} ORDER BY ${ts})) x GROUP BY 1, 2`;
}

/** SQLSTATEs worth retrying a whole write for: deadlock, serialization failure, unique violation (a concurrent writer). */
const RETRYABLE = new Set(['40P01', '40001', '23505']);
const ATTEMPTS = 4;

/** Writes one checked batch; returns the number of readings newly stored. `partitions` caches the months known to exist. */
export async function writeReadings(
  ctx: PgContext,
  partitions: Set<number>,
  batch: ReadingBatch,
  p: PreparedBatch,
): Promise<number> {
  await ensurePartitions(ctx, partitions, monthsOf(batch.ts, batch.length));
  // New time ranges (imports, live data) go straight into readings; anything that may overlap what
  // is stored goes through the staging merge. A concurrent writer storing the same readings between
  // the check and the COPY makes the COPY fail with a unique violation; the retry merges instead.
  let direct = p.increasing;
  for (let attempt = 1; ; attempt++) {
    try {
      return await inTransaction(ctx.pool, async (client) => {
        if (direct && !(await anyStored(client, p))) return copyDirect(client, batch, p);
        direct = false;
        return mergeStaged(client, batch, p);
      });
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt >= ATTEMPTS || code === undefined || !RETRYABLE.has(code)) throw err;
      direct = false;
    }
  }
}

/**
 * True when a stored reading falls in one of the batch's per-channel time ranges: one primary-key
 * range probe per channel (and partition). Bounding the channel key by the batch's key range
 * instead made PostgreSQL walk every key in between: for a 312-reading frame of 3 channels on 3M
 * stored readings, 471 ms and 10,875 buffers against 0.07 ms and 9 buffers (docs/store.md).
 */
async function anyStored(client: pg.PoolClient, p: PreparedBatch): Promise<boolean> {
  const res = await client.query<{ found: boolean }>(storedInRangesSql(p));
  return res.rows[0]?.found === true;
}

/** The query of {@link anyStored}: `found` is true when a stored reading lies in a channel's range of the batch. */
export function storedInRangesSql(p: Pick<PreparedBatch, 'ranges' | 'minTs' | 'maxTs'>): {
  text: string;
  values: unknown[];
} {
  return {
    // The constant ts bounds let the planner prune partitions; the unnest join gives the exact keys.
    text: `SELECT EXISTS (SELECT 1 FROM unnest($1::int[], $2::bigint[], $3::bigint[]) AS g(k, lo, hi)
       JOIN readings r ON r.channel_key = g.k AND r.ts BETWEEN g.lo AND g.hi
       WHERE r.ts BETWEEN ${p.minTs} AND ${p.maxTs}) AS found`,
    values: [p.ranges.map((r) => r.key), p.ranges.map((r) => r.from), p.ranges.map((r) => r.to)],
  };
}

/**
 * The direct path for a batch that increases per channel and meets no stored reading: binary COPY
 * straight into readings, rows grouped by channel in key order; the change log and the minute
 * aggregates are computed in one JS pass and written with one statement each. No staging table,
 * no sort and no join in the database. The primary key still rejects a concurrent duplicate.
 */
async function copyDirect(client: pg.PoolClient, batch: ReadingBatch, p: PreparedBatch): Promise<number> {
  await copyIn(client, 'readings', encodeBinaryCopy(p.keys, batch, orderByChannel(batch, p.keys)));
  await copyIn(client, 'reading_minutes', encodeMinutesCopy(minuteAggregates(batch, p)));
  await client.query(
    'INSERT INTO reading_changes (channel_key, from_ts, to_ts) SELECT * FROM unnest($1::int[], $2::bigint[], $3::bigint[])',
    [p.ranges.map((r) => r.key), p.ranges.map((r) => r.from), p.ranges.map((r) => r.to)],
  );
  return batch.length;
}

/**
 * The merge path: COPY into a session-local staging table, then one statement inserts the rows not
 * stored yet (ON CONFLICT DO NOTHING on the primary key: each row costs one index probe, and a
 * concurrent writer's rows are waited for and skipped rather than failing the write), and feeds
 * the change log and minute aggregates from exactly the rows it inserted. Rows go in key order so
 * that two writers with overlapping batches wait for each other instead of deadlocking; among
 * repeats inside the batch the first (lowest `ctid`, COPY order) is inserted and the rest skipped.
 */
async function mergeStaged(client: pg.PoolClient, batch: ReadingBatch, p: PreparedBatch): Promise<number> {
  await client.query(`SET LOCAL work_mem = '64MB'; SET LOCAL jit = off`);
  await client.query(
    'CREATE TEMP TABLE IF NOT EXISTS staging (ck INTEGER NOT NULL, ts BIGINT NOT NULL, value DOUBLE PRECISION NOT NULL, quality SMALLINT NOT NULL) ON COMMIT DELETE ROWS',
  );
  await copyIn(client, 'staging', encodeBinaryCopy(p.keys, batch));
  const order = p.increasing ? 'ck, ts' : 'ck, ts, ctid';
  const res = await client.query<{ n: number }>(
    `WITH ins AS (INSERT INTO readings (channel_key, ts, value, quality)
       SELECT ck, ts, value, quality FROM staging ORDER BY ${order} ON CONFLICT DO NOTHING RETURNING channel_key, ts, value),
     ch AS (INSERT INTO reading_changes (channel_key, from_ts, to_ts) SELECT channel_key, min(ts), max(ts) FROM ins GROUP BY channel_key RETURNING 1),
     mi AS (${addMinutes('ins', 'channel_key', 'ts')} RETURNING 1)
     SELECT count(*)::int AS n FROM ins`,
  );
  return res.rows[0]?.n ?? 0;
}

async function copyIn(client: pg.PoolClient, table: string, data: Buffer): Promise<void> {
  await pipeline(
    async function* () {
      yield data;
    },
    client.query(copyFrom(`COPY ${table} FROM STDIN (FORMAT binary)`)),
  );
}

/** The UTC months (year * 12 + month) the timestamps fall in; cheap for time-ordered data. */
export function monthsOf(ts: Float64Array, n: number): number[] {
  const months = new Set<number>();
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const t = ts[i] as number;
    if (t >= lo && t < hi) continue;
    const d = new Date(t);
    const m = d.getUTCFullYear() * 12 + d.getUTCMonth();
    months.add(m);
    lo = monthStart(m);
    hi = monthStart(m + 1);
  }
  return [...months].sort((a, b) => a - b);
}

function monthStart(m: number): number {
  return Date.UTC(Math.floor(m / 12), m % 12, 1);
}

/**
 * Creates the monthly partitions that do not exist yet. A transaction-scoped advisory lock makes
 * writers in several processes create each partition once, without racing on the catalog; it is
 * taken in a transaction of its own so that writers never hold it while inserting.
 */
async function ensurePartitions(ctx: PgContext, known: Set<number>, months: number[]): Promise<void> {
  const missing = months.filter((m) => !known.has(m));
  if (missing.length === 0) return;
  await inTransaction(ctx.pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${ctx.schema}.readings.partitions`]);
    for (const m of missing) {
      const name = `readings_y${Math.floor(m / 12)}m${String((m % 12) + 1).padStart(2, '0')}`;
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF readings FOR VALUES FROM (${monthStart(m)}) TO (${monthStart(m + 1)})`,
      );
    }
  });
  for (const m of missing) known.add(m);
}
