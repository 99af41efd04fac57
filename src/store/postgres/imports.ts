import { StoreError } from '../../errors.ts';
import { createImportQueries, importsDdl } from '../import-rows.ts';
import type { ImportRepo } from '../ports/imports.ts';
import { type PgContext, queryRows } from './connection.ts';

/** DDL for the imports table, run in order by `migrate()`. */
export const importsSchema: readonly string[] = importsDdl({ text: 'TEXT', big: 'BIGINT' });

/** The postgres implementation of {@link ImportRepo}. */
export function createImportRepo(ctx: PgContext): ImportRepo {
  return createImportQueries(async (sql, values = []) => {
    try {
      return await queryRows(ctx.pool, sql, values);
    } catch (cause) {
      throw new StoreError('postgres', sql.split(/\s+/).slice(0, 3).join(' '), { cause });
    }
  });
}
