import type { DuckDBValue } from '@duckdb/node-api';
import { createSqlNilmRepo, nilmDdl, type SqlQuery } from '../../nilm/sql-repo.ts';
import type { NilmRepo } from '../ports/nilm.ts';
import { queryRows, type DuckdbContext } from './connection.ts';

/** DDL for the nilm tables, run in order by `migrate()`. */
export const nilmSchema: readonly string[] = nilmDdl({ text: 'VARCHAR', double: 'DOUBLE', json: 'VARCHAR' });

/** The duckdb implementation of {@link NilmRepo}. */
export function createNilmRepo(ctx: DuckdbContext): NilmRepo {
  const query: SqlQuery = (sql, params = []) => queryRows(ctx.conn, sql, params as DuckDBValue[]);
  return createSqlNilmRepo({
    query,
    async transaction(fn) {
      // A connection of its own, so the transaction never interleaves with other repositories' statements.
      const conn = await ctx.instance.connect();
      try {
        await conn.run('BEGIN TRANSACTION');
        try {
          const out = await fn((sql, params = []) => queryRows(conn, sql, params as DuckDBValue[]));
          await conn.run('COMMIT');
          return out;
        } catch (err) {
          await conn.run('ROLLBACK');
          throw err;
        }
      } finally {
        conn.closeSync();
      }
    },
  });
}
