import type { CatalogRepo } from '../ports/catalog.ts';
import type { PgContext } from './connection.ts';

/** DDL for organisations, facilities, meters and channels. */
export const catalogSchema: readonly string[] = [];

/** The postgres implementation of {@link CatalogRepo}. */
export function createCatalogRepo(_ctx: PgContext): CatalogRepo {
  throw new Error('TODO(store helper): postgres catalog');
}
