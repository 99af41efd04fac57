import type { NilmRepo } from '../ports/nilm.ts';
import type { DuckdbContext } from './connection.ts';

/** DDL for the nilm tables, run in order by `migrate()`. */
export const nilmSchema: readonly string[] = [];

/** The duckdb implementation of {@link NilmRepo}. */
export function createNilmRepo(_ctx: DuckdbContext): NilmRepo {
  return {};
}
