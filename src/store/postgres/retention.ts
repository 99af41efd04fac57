import { StoreError } from '../../errors.ts';
import type { RetentionRepo } from '../ports/retention.ts';
import { createRetentionQueries, retentionDdl } from '../retention-rows.ts';
import { type PgContext, inTransaction, queryRows } from './connection.ts';

/** DDL for the retention settings table, run in order by `migrate()`. */
export const retentionSchema: readonly string[] = retentionDdl({ text: 'TEXT', big: 'BIGINT' });

const what = (sql: string) => sql.trim().split(/\s+/).slice(0, 3).join(' ');

/** The postgres implementation of {@link RetentionRepo}. */
export function createRetentionRepo(ctx: PgContext): RetentionRepo {
  return createRetentionQueries(
    async (sql, values = []) => {
      try {
        return await queryRows(ctx.pool, sql, values);
      } catch (cause) {
        throw new StoreError('postgres', what(sql), { cause });
      }
    },
    (fn) =>
      inTransaction(ctx.pool, (client) =>
        fn(async (sql, values) => {
          try {
            return (await client.query(sql, values)).rowCount ?? 0;
          } catch (cause) {
            throw new StoreError('postgres', what(sql), { cause });
          }
        }),
      ),
  );
}
