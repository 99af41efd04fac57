import { StoreError } from '../../errors.ts';
import type { TariffRepo } from '../ports/tariffs.ts';
import { createTariffQueries, tariffsDdl, type TariffQuery } from '../tariff-rows.ts';
import { type DuckdbContext, queryRows, runRows } from './connection.ts';
import { inTransaction } from './transaction.ts';

/** DDL for tariffs, grid-intensity profiles and costs, run in order by `migrate()`. */
export const tariffsSchema: readonly string[] = tariffsDdl(
  { text: 'VARCHAR', big: 'BIGINT', int: 'INTEGER', double: 'DOUBLE' },
  false,
);

const failed = (sql: string, cause: unknown) =>
  new StoreError('duckdb', sql.trim().split(/\s+/).slice(0, 3).join(' '), { cause });

/** The duckdb implementation of {@link TariffRepo}. */
export function createTariffRepo(ctx: DuckdbContext): TariffRepo {
  const q: TariffQuery = async (sql, values = []) => {
    try {
      return await runRows(ctx, sql, values);
    } catch (cause) {
      throw failed(sql, cause);
    }
  };
  return createTariffQueries(q, (fn) =>
    inTransaction(ctx, (conn) =>
      fn(async (sql, values = []) => {
        try {
          return await queryRows(conn, sql, values);
        } catch (cause) {
          throw failed(sql, cause);
        }
      }),
    ),
  );
}
