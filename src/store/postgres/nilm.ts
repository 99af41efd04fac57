import type { NilmRepo } from '../ports/nilm.ts';
import type { PgContext } from './connection.ts';

/** DDL for the nilm tables, run in order by `migrate()`. */
export const nilmSchema: readonly string[] = [];

/** The postgres implementation of {@link NilmRepo}. */
export function createNilmRepo(_ctx: PgContext): NilmRepo {
  return {};
}
