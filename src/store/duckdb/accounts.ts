import type { AccountRepo } from '../ports/accounts.ts';
import type { DuckdbContext } from './connection.ts';

/** DDL for the accounts tables, run in order by `migrate()`. */
export const accountsSchema: readonly string[] = [];

/** The duckdb implementation of {@link AccountRepo}. */
export function createAccountRepo(_ctx: DuckdbContext): AccountRepo {
  return {};
}
