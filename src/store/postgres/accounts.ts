import { accountsDdl, createSqlAccountRepo } from '../../api/accounts/sql-repo.ts';
import type { AccountRepo } from '../ports/accounts.ts';
import type { PgContext } from './connection.ts';

/** DDL for the accounts tables, run in order by `migrate()`. */
export const accountsSchema: readonly string[] = accountsDdl({ text: 'TEXT' });

/** The postgres implementation of {@link AccountRepo}. */
export function createAccountRepo(ctx: PgContext): AccountRepo {
  return createSqlAccountRepo(
    async (sql, params = []) => (await ctx.pool.query(sql, params)).rows as Record<string, unknown>[],
  );
}
