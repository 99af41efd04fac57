import { createSqlNilmRepo, nilmDdl, type SqlQuery } from '../../nilm/sql-repo.ts';
import type { NilmRepo } from '../ports/nilm.ts';
import type { PgContext } from './connection.ts';

/** DDL for the nilm tables, run in order by `migrate()`. */
export const nilmSchema: readonly string[] = nilmDdl({
  text: 'TEXT',
  double: 'DOUBLE PRECISION',
  json: 'JSONB',
});

/** The postgres implementation of {@link NilmRepo}. */
export function createNilmRepo(ctx: PgContext): NilmRepo {
  const query: SqlQuery = async (sql, params = []) =>
    (await ctx.pool.query(sql, params)).rows as Record<string, unknown>[];
  return createSqlNilmRepo({
    query,
    async transaction(fn) {
      const client = await ctx.pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(
          async (sql, params = []) => (await client.query(sql, params)).rows as Record<string, unknown>[],
        );
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
  });
}
