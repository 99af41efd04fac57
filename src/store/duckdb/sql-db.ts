import {
  DOUBLE,
  type DuckDBAppender,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValue,
  LIST,
  listValue,
} from '@duckdb/node-api';
import { StoreError } from '../../errors.ts';
import type { Row } from '../sql/row.ts';
import type { BulkColumn, SqlDb, SqlTx } from '../sql/sql-db.ts';
import { bindTypes, type DuckdbContext, isReadOnlySql, type Queryable } from './connection.ts';
import { duckdbSqlDialect } from './dialect.ts';
import { atomically } from '../../util/atomically.ts';

/**
 * Binds parameters: a JS array as LIST(DOUBLE) (typed explicitly, since DuckDB would infer the list
 * type from its first item; SQL casts it further), a huge integral double as DOUBLE (see bindTypes).
 */
function bind(params: readonly unknown[]): { values: DuckDBValue[]; types: DuckDBType[] | undefined } {
  if (!params.some(Array.isArray)) {
    const values = params as DuckDBValue[];
    return { values, types: bindTypes(values) as DuckDBType[] | undefined };
  }
  const types = params.map((p) => (Array.isArray(p) ? LIST(DOUBLE) : undefined));
  const values = params.map((p) => (Array.isArray(p) ? listValue(p as DuckDBValue[]) : (p as DuckDBValue)));
  return { values, types: types as DuckDBType[] };
}

const failed = (what: string, cause: unknown): StoreError =>
  new StoreError('duckdb', what.trim().split(/\s+/).slice(0, 3).join(' '), { cause });

async function run(conn: DuckDBConnection, sql: string, params: readonly unknown[]): Promise<Row[]> {
  const { values, types } = bind(params);
  try {
    return (await conn.runAndReadAll(sql, values, types)).getRowObjectsJS();
  } catch (cause) {
    throw failed(sql, cause);
  }
}

async function execute(conn: DuckDBConnection, sql: string, params: readonly unknown[]): Promise<number> {
  const { values, types } = bind(params);
  try {
    return Number((await conn.run(sql, values, types)).rowsChanged);
  } catch (cause) {
    throw failed(sql, cause);
  }
}

function on(target: Queryable, sql: string, params: readonly unknown[]): Promise<Row[]> {
  return 'use' in target ? target.use((conn) => run(conn, sql, params)) : run(target, sql, params);
}

/**
 * Runs `fn` in a transaction on a connection of its own, so that statements other repositories send to
 * the shared connection meanwhile never land inside it (DuckDB transactions belong to a connection).
 */
async function inTransaction<T>(ctx: DuckdbContext, fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const conn = await ctx.instance.connect();
  try {
    return await atomically(conn, () => fn(conn));
  } finally {
    conn.closeSync();
  }
}

function appendValue(appender: DuckDBAppender, type: BulkColumn['type'], v: unknown): void {
  if (v === null || v === undefined) appender.appendNull();
  else if (type === 'text') appender.appendVarchar(String(v));
  else if (type === 'double') appender.appendDouble(Number(v));
  else appender.appendBigInt(BigInt(v as number));
}

/** A transaction's statements on its own connection; bulk rows through DuckDB's appender. */
function txOn(conn: DuckDBConnection): SqlTx {
  return {
    query: (sql, params = []) => run(conn, sql, params),
    execute: (sql, params = []) => execute(conn, sql, params),
    async append(table, columns, rows) {
      if (rows.length === 0) return;
      const appender = await conn.createAppender(table);
      try {
        for (const row of rows) {
          for (let c = 0; c < columns.length; c++) appendValue(appender, columns[c]!.type, row[c]);
          appender.endRow();
        }
        appender.flushSync();
      } catch (cause) {
        throw failed(`APPEND ${table}`, cause);
      } finally {
        appender.closeSync();
      }
    },
  };
}

/**
 * The shared repositories' database on DuckDB: read-only statements on the read pool, other ones on
 * the write connection, transactions on a connection of their own.
 */
export function createDuckdbSqlDb(ctx: DuckdbContext): SqlDb {
  return {
    dialect: duckdbSqlDialect,
    query: (sql, params = []) => on(isReadOnlySql(sql) ? ctx.reads : ctx.conn, sql, params),
    execute: (sql, params = []) => execute(ctx.conn, sql, params),
    transaction: (fn) => inTransaction(ctx, (conn) => fn(txOn(conn))),
  };
}
