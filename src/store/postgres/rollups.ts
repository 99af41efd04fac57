import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';
import { DuckDBInstance } from '@duckdb/node-api';
import type pg from 'pg';
import { csvLine, isoTime } from '../../util/csv.ts';
import { postgresDialect } from '../sql/rollups/dialect.ts';
import { rollupsDdl } from '../sql/rollups/ddl.ts';
import type { SqlDb, SqlExec, SqlSession } from '../sql/rollups/sql-db.ts';
import type { PartialKind } from '../ports/rollups.ts';
import { PARTIAL_COLUMNS } from '../sql/rollups/partials-sql.ts';
import { createSqlRollupRepo } from '../sql/rollups/sql-rollup-repo.ts';
import { StoreError } from '../../errors.ts';
import type { RollupRepo } from '../ports/rollups.ts';
import type { PgContext } from './connection.ts';

/** DDL for the rollups tables, run in order by `migrate()`. */
export const rollupsSchema: readonly string[] = rollupsDdl(postgresDialect, true);

/** The postgres implementation of {@link RollupRepo}: the shared batch SQL on a pg pool. */
export function createRollupRepo(ctx: PgContext): RollupRepo {
  const db = createPgSqlDb(ctx);
  return createSqlRollupRepo({
    db,
    dialect: postgresDialect,
    async exportRows(query, format, path) {
      // `start` as ISO 8601 text, read back as TIMESTAMPTZ for Parquet (see csvToParquet).
      const rows = (await db.all(query.sql, query.params)).map((r) => ({
        ...r,
        start: isoTime(Number(r['start'])),
      }));
      const csvPath = format === 'csv' ? path : `${path}.tmp.csv`;
      await writeCsv(csvPath, rows);
      if (format === 'parquet') {
        // PostgreSQL cannot write Parquet; an in-memory DuckDB converts the CSV (rollups are small).
        try {
          await csvToParquet(csvPath, path);
        } finally {
          await rm(csvPath, { force: true });
        }
      }
      return rows.length;
    },
    loadPartial: loadPartialThroughDuckdb,
  });
}

/** Rows per INSERT of partial rows (one array parameter per column). */
const PARTIAL_ROWS_PER_INSERT = 20_000;

/**
 * PostgreSQL cannot read Parquet: an in-memory DuckDB streams the partial files, and their rows go in
 * with one INSERT per 20,000, each column as one array parameter through `unnest`.
 */
async function loadPartialThroughDuckdb(
  s: SqlExec,
  table: string,
  kind: PartialKind,
  files: string[],
): Promise<void> {
  const cols = PARTIAL_COLUMNS[kind];
  const q = (x: string) => `'${x.replaceAll("'", "''")}'`;
  // BIGINT columns are read as DOUBLE (exact below 2^53: times in ms, counts) so that they arrive as numbers.
  const select = cols.map(([n, t]) => (t === 'BIGINT' ? `CAST(${n} AS DOUBLE) AS ${n}` : n)).join(', ');
  const insert = `INSERT INTO ${table} SELECT * FROM unnest(${cols
    .map(
      ([, t], i) =>
        `$${i + 1}::${t === 'VARCHAR' ? 'text' : t === 'BIGINT' ? 'bigint' : 'double precision'}[]`,
    )
    .join(', ')})`;
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await instance.connect();
  try {
    const result = await conn.stream(`SELECT ${select} FROM read_parquet([${files.map(q).join(', ')}])`);
    let pending: unknown[][] = cols.map(() => []);
    const flush = async () => {
      if ((pending[0]?.length ?? 0) > 0) await s.run(insert, pending);
      pending = cols.map(() => []);
    };
    for (
      let chunk = await result.fetchChunk();
      chunk && chunk.rowCount > 0;
      chunk = await result.fetchChunk()
    ) {
      chunk.getColumns().forEach((values, i) => pending[i]?.push(...values));
      if ((pending[0]?.length ?? 0) >= PARTIAL_ROWS_PER_INSERT) await flush();
    }
    await flush();
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

async function writeCsv(path: string, rows: Record<string, unknown>[]): Promise<void> {
  const out = createWriteStream(path);
  const cols = Object.keys(rows[0] ?? {});
  if (cols.length) out.write(csvLine(cols));
  for (const r of rows) if (!out.write(csvLine(cols.map((c) => r[c])))) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

async function csvToParquet(csvPath: string, path: string): Promise<void> {
  const q = (s: string) => `'${s.replaceAll("'", "''")}'`;
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run(
      `COPY (SELECT * REPLACE (CAST(start AS TIMESTAMPTZ) AS start) FROM read_csv(${q(csvPath)}, header = true))
         TO ${q(path)} (FORMAT parquet)`,
    );
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

function execOn(client: pg.Pool | pg.PoolClient): SqlExec {
  return {
    async all(sql, params = []) {
      return (await client.query(sql, params)).rows as Record<string, unknown>[];
    },
    async run(sql, params = []) {
      return (await client.query(sql, params)).rowCount ?? 0;
    },
  };
}

function createPgSqlDb(ctx: PgContext): SqlDb {
  const wrap = async <T>(op: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (cause) {
      throw new StoreError('postgres', op, { cause });
    }
  };
  const shared = execOn(ctx.pool);
  return {
    all: (sql, params) => wrap('rollups query', () => shared.all(sql, params)),
    run: (sql, params) => wrap('rollups statement', () => shared.run(sql, params)),
    async session<T>(fn: (s: SqlSession) => Promise<T>): Promise<T> {
      const client = await ctx.pool.connect();
      try {
        // The whole session is one transaction: its temp tables drop at commit.
        await client.query('BEGIN');
        try {
          // Batch runs from several processes take turns: their day windows may overlap.
          await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
            `loadscope-rollups-${ctx.schema}`,
          ]);
          const result = await wrap('rollups batch', () =>
            fn({ ...execOn(client), atomic: (body) => body() }),
          );
          await client.query('COMMIT');
          return result;
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw err;
        }
      } finally {
        client.release();
      }
    },
  };
}
