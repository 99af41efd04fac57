import type { ReadingRepo } from '../ports/readings.ts';
import type { DuckdbContext } from './connection.ts';

/** DDL for readings and the dirty-day log. */
export const readingsSchema: readonly string[] = [];

/** The duckdb implementation of {@link ReadingRepo}. */
export function createReadingRepo(_ctx: DuckdbContext): ReadingRepo {
  throw new Error('TODO(store helper): duckdb readings');
}
