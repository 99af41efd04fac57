import type { LiveRepo } from '../ports/live.ts';
import type { PgContext } from './connection.ts';

/** DDL for the live tables, run in order by `migrate()`. */
export const liveSchema: readonly string[] = [];

/** The postgres implementation of {@link LiveRepo}. */
export function createLiveRepo(_ctx: PgContext): LiveRepo {
  return {};
}
