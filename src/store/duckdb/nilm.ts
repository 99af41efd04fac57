import {
  DOUBLE,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValue,
  LIST,
  listValue,
} from '@duckdb/node-api';
import { createSqlNilmRepo, nilmDdl, type SqlQuery } from '../../nilm/sql-repo.ts';
import type { NilmRepo } from '../ports/nilm.ts';
import { type DuckdbContext, isReadOnlySql } from './connection.ts';
import { inTransaction } from './transaction.ts';

/** DDL for the nilm tables, run in order by `migrate()`. */
export const nilmSchema: readonly string[] = nilmDdl({ text: 'VARCHAR', double: 'DOUBLE', json: 'VARCHAR' });

/**
 * Runs a statement; JS number arrays bind as LIST(DOUBLE) (typed explicitly, since DuckDB would infer
 * the list type from its first item) and SQL casts them further.
 */
async function run(
  conn: DuckDBConnection,
  sql: string,
  params: unknown[],
): Promise<Record<string, unknown>[]> {
  const types: (DuckDBType | undefined)[] = params.map((p) => (Array.isArray(p) ? LIST(DOUBLE) : undefined));
  const values = params.map((p) => (Array.isArray(p) ? listValue(p as DuckDBValue[]) : (p as DuckDBValue)));
  return (await conn.runAndReadAll(sql, values, types as DuckDBType[])).getRowObjectsJS();
}

/** The duckdb implementation of {@link NilmRepo}. */
export function createNilmRepo(ctx: DuckdbContext): NilmRepo {
  const query: SqlQuery = (sql, params = []) =>
    isReadOnlySql(sql) ? ctx.reads.use((conn) => run(conn, sql, params)) : run(ctx.conn, sql, params);
  return createSqlNilmRepo({
    query,
    transaction: (fn) => inTransaction(ctx, (conn) => fn((sql, params = []) => run(conn, sql, params))),
  });
}
