import type { CatalogRepo } from '../ports/catalog.ts';
import type { DuckdbContext } from './connection.ts';

/** DDL for organisations, facilities, meters and channels. */
export const catalogSchema: readonly string[] = [];

/** The duckdb implementation of {@link CatalogRepo}. */
export function createCatalogRepo(_ctx: DuckdbContext): CatalogRepo {
  throw new Error('TODO(store helper): duckdb catalog');
}
