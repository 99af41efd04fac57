import { StoreError } from '../../errors.ts';
import { createImportQueries, importsDdl } from '../import-rows.ts';
import type { ImportRepo } from '../ports/imports.ts';
import { type DuckdbContext, runRows } from './connection.ts';

/** DDL for the imports table, run in order by `migrate()`. */
export const importsSchema: readonly string[] = importsDdl({ text: 'VARCHAR', big: 'BIGINT' });

/** The duckdb implementation of {@link ImportRepo}: reads on the read pool, writes on the write connection. */
export function createImportRepo(ctx: DuckdbContext): ImportRepo {
  return createImportQueries(async (sql, values = []) => {
    try {
      return await runRows(ctx, sql, values);
    } catch (cause) {
      throw new StoreError('duckdb', sql.split(/\s+/).slice(0, 3).join(' '), { cause });
    }
  });
}
