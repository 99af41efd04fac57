import type { ReadingRepo } from '../ports/readings.ts';
import type { PgContext } from './connection.ts';

/** DDL for readings and the dirty-day log. */
export const readingsSchema: readonly string[] = [];

/** The postgres implementation of {@link ReadingRepo}. */
export function createReadingRepo(_ctx: PgContext): ReadingRepo {
  throw new Error('TODO(store helper): postgres readings');
}
