import type { RollupRepo } from '../ports/rollups.ts';
import type { PgContext } from './connection.ts';

/** DDL for the rollups tables, run in order by `migrate()`. */
export const rollupsSchema: readonly string[] = [];

/** The postgres implementation of {@link RollupRepo}. */
export function createRollupRepo(_ctx: PgContext): RollupRepo {
  return {};
}
