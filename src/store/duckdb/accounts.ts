import type { DuckDBValue } from '@duckdb/node-api';
import { accountsDdl, createSqlAccountRepo } from '../../api/accounts/sql-repo.ts';
import type { AccountRepo } from '../ports/accounts.ts';
import { type DuckdbContext, runRows } from './connection.ts';

/** DDL for the accounts tables, run in order by `migrate()`. */
export const accountsSchema: readonly string[] = accountsDdl({ text: 'VARCHAR' });

/** The duckdb implementation of {@link AccountRepo}. */
export function createAccountRepo(ctx: DuckdbContext): AccountRepo {
  return createSqlAccountRepo((sql, params = []) => runRows(ctx, sql, params as DuckDBValue[]));
}
