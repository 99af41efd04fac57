import type { RollupRepo } from '../ports/rollups.ts';
import type { DuckdbContext } from './connection.ts';

/** DDL for the rollups tables, run in order by `migrate()`. */
export const rollupsSchema: readonly string[] = [];

/** The duckdb implementation of {@link RollupRepo}. */
export function createRollupRepo(_ctx: DuckdbContext): RollupRepo {
  return {};
}
