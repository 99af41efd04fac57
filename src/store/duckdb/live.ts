import type { LiveRepo } from '../ports/live.ts';
import type { DuckdbContext } from './connection.ts';

/** DDL for the live tables, run in order by `migrate()`. */
export const liveSchema: readonly string[] = [];

/** The duckdb implementation of {@link LiveRepo}. */
export function createLiveRepo(_ctx: DuckdbContext): LiveRepo {
  return {};
}
