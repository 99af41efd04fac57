import { StoreError } from '../../errors.ts';
import type { RetentionRepo } from '../ports/retention.ts';
import { createRetentionQueries, retentionDdl } from '../retention-rows.ts';
import { type DuckdbContext, runRows } from './connection.ts';
import { inTransaction } from './transaction.ts';

/** DDL for the retention settings table, run in order by `migrate()`. */
export const retentionSchema: readonly string[] = retentionDdl({ text: 'VARCHAR', big: 'BIGINT' });

const what = (sql: string) => sql.trim().split(/\s+/).slice(0, 3).join(' ');

/** The duckdb implementation of {@link RetentionRepo}. */
export function createRetentionRepo(ctx: DuckdbContext): RetentionRepo {
  return createRetentionQueries(
    async (sql, values = []) => {
      try {
        return await runRows(ctx, sql, values);
      } catch (cause) {
        throw new StoreError('duckdb', what(sql), { cause });
      }
    },
    // Its own connection (inTransaction): DuckDB transactions belong to a connection.
    (fn) =>
      inTransaction(ctx, (conn) =>
        fn(async (sql, values) => {
          try {
            return Number((await conn.run(sql, values)).rowsChanged);
          } catch (cause) {
            throw new StoreError('duckdb', what(sql), { cause });
          }
        }),
      ),
  );
}
