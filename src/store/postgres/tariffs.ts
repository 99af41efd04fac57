import { StoreError } from '../../errors.ts';
import type { TariffRepo } from '../ports/tariffs.ts';
import { createTariffQueries, tariffsDdl, type TariffQuery } from '../tariff-rows.ts';
import { inTransaction, type PgContext, queryRows } from './connection.ts';

/** DDL for tariffs, grid-intensity profiles and costs, run in order by `migrate()`. */
export const tariffsSchema: readonly string[] = tariffsDdl(
  { text: 'TEXT', big: 'BIGINT', int: 'INTEGER', double: 'DOUBLE PRECISION' },
  true,
);

const failed = (sql: string, cause: unknown) =>
  new StoreError('postgres', sql.trim().split(/\s+/).slice(0, 3).join(' '), { cause });

/** The postgres implementation of {@link TariffRepo}. */
export function createTariffRepo(ctx: PgContext): TariffRepo {
  const q: TariffQuery = async (sql, values = []) => {
    try {
      return await queryRows(ctx.pool, sql, values);
    } catch (cause) {
      throw failed(sql, cause);
    }
  };
  return createTariffQueries(q, (fn) =>
    inTransaction(ctx.pool, (client) =>
      fn(async (sql, values = []) => {
        try {
          return await queryRows(client, sql, values);
        } catch (cause) {
          throw failed(sql, cause);
        }
      }),
    ),
  );
}
