import type { DuckDBConnection } from '@duckdb/node-api';
import { StoreError } from '../../errors.ts';
import type { CostRow, TariffRepo } from '../ports/tariffs.ts';
import { costValues, createTariffQueries, tariffsDdl, type TariffQuery } from '../tariff-rows.ts';
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
      fn(
        async (sql, values = []) => {
          try {
            return await queryRows(conn, sql, values);
          } catch (cause) {
            throw failed(sql, cause);
          }
        },
        (rows) => appendCosts(conn, rows),
      ),
    ),
  );
}

/**
 * Cost rows through DuckDB's appender: a two-year hourly history of 21 channels is 420,000 rows, which
 * multi-row INSERTs took over a minute to bind (20,000 rows in 2.9 s measured here).
 */
async function appendCosts(conn: DuckDBConnection, rows: readonly CostRow[]): Promise<void> {
  if (rows.length === 0) return;
  const appender = await conn.createAppender('costs');
  try {
    for (const r of rows) {
      for (const v of costValues(r)) {
        if (v === null) appender.appendNull();
        else if (typeof v === 'number') appender.appendDouble(v);
        else appender.appendVarchar(String(v));
      }
      appender.endRow();
    }
    appender.flushSync();
  } catch (cause) {
    throw failed('APPEND costs', cause);
  } finally {
    appender.closeSync();
  }
}
