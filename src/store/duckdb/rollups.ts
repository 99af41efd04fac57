import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { duckdbDialect } from '../sql/rollups/dialect.ts';
import { rollupsDdl } from '../sql/rollups/ddl.ts';
import type { SqlDb, SqlExec, SqlSession } from '../sql/rollups/sql-db.ts';
import { createSqlRollupRepo } from '../sql/rollups/sql-rollup-repo.ts';
import { StoreError } from '../../errors.ts';
import { atomically } from '../../util/atomically.ts';
import type { RollupRepo } from '../ports/rollups.ts';
import { type DuckdbContext, isReadOnlySql, sqlString } from './connection.ts';
import { msToExportTimeSql } from './export-time.ts';

/** DDL for the rollups tables, run in order by `migrate()`. */
export const rollupsSchema: readonly string[] = rollupsDdl(duckdbDialect, false);

/** The duckdb implementation of {@link RollupRepo}: the shared batch SQL on a DuckDB connection. */
export function createRollupRepo(ctx: DuckdbContext): RollupRepo {
  const db = createDuckdbSqlDb(ctx);
  return createSqlRollupRepo({
    db,
    dialect: duckdbDialect,
    // COPY takes no parameters, so the filtered rows go through a temp table first.
    exportRows: (query, format, path) =>
      db.session(async (tx) => {
        await tx.run(duckdbDialect.tempTable('b_export', { as: query.sql }), query.params);
        const fmt = format === 'csv' ? 'FORMAT csv, HEADER' : 'FORMAT parquet';
        const rows = `SELECT * REPLACE (${msToExportTimeSql('start', format)} AS start) FROM b_export`;
        await tx.run(`COPY (${rows}) TO '${path.replaceAll("'", "''")}' (${fmt})`);
        const [r] = await tx.all('SELECT COUNT(*) AS n FROM b_export');
        return Number(r?.['n'] ?? 0);
      }),
    // DuckDB reads the partial files itself.
    loadPartial: async (s, table, _kind, files) => {
      await s.run(`INSERT INTO ${table} SELECT * FROM read_parquet([${files.map(sqlString).join(', ')}])`);
    },
  });
}

function execOn(conn: DuckDBConnection): SqlExec {
  return {
    async all(sql, params = []) {
      return (await conn.runAndReadAll(sql, params as DuckDBValue[])).getRowObjectsJS();
    },
    async run(sql, params = []) {
      return (await conn.run(sql, params as DuckDBValue[])).rowsChanged;
    },
  };
}

/**
 * Reads on the read pool, other batch statements on the write connection; sessions on a connection of
 * their own (temp tables).
 */
function createDuckdbSqlDb(ctx: DuckdbContext): SqlDb {
  const wrap = async <T>(op: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (cause) {
      throw new StoreError('duckdb', op, { cause });
    }
  };
  const shared = execOn(ctx.conn);
  const reads: SqlExec['all'] = (sql, params) => ctx.reads.use((conn) => execOn(conn).all(sql, params));
  // One batch session at a time in this process: two would conflict on the same rollup rows.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    all: (sql, params) => wrap('rollups query', () => (isReadOnlySql(sql) ? reads : shared.all)(sql, params)),
    run: (sql, params) => wrap('rollups statement', () => shared.run(sql, params)),
    session<T>(fn: (s: SqlSession) => Promise<T>): Promise<T> {
      const run = queue.then(() => wrap('rollups batch', () => inSession(fn)));
      queue = run.catch(() => undefined);
      return run;
    },
  };

  async function inSession<T>(fn: (s: SqlSession) => Promise<T>): Promise<T> {
    const conn = await ctx.instance.connect();
    try {
      const exec = execOn(conn);
      return await fn({
        ...exec,
        atomic: (body) => atomically(conn, body),
      });
    } finally {
      conn.closeSync();
    }
  }
}
