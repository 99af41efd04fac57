import type { AccountRepo } from '../ports/accounts.ts';
import type { PgContext } from './connection.ts';

/** DDL for the accounts tables, run in order by `migrate()`. */
export const accountsSchema: readonly string[] = [];

/** The postgres implementation of {@link AccountRepo}. */
export function createAccountRepo(_ctx: PgContext): AccountRepo {
  return {};
}
