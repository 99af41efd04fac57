import type pg from 'pg';
import { StoreError } from '../../errors.ts';
import type { Row } from '../sql/row.ts';
import { insertMany, type SqlDb, type SqlTx } from '../sql/sql-db.ts';
import { inTransaction, type PgContext } from './connection.ts';
import { postgresSqlDialect } from './dialect.ts';

async function send(
  client: pg.Pool | pg.PoolClient,
  sql: string,
  params: readonly unknown[],
): Promise<pg.QueryResult> {
  try {
    return await client.query(sql, params as unknown[]);
  } catch (cause) {
    throw new StoreError('postgres', sql.trim().split(/\s+/).slice(0, 3).join(' '), { cause });
  }
}

async function run(client: pg.Pool | pg.PoolClient, sql: string, params: readonly unknown[]): Promise<Row[]> {
  return (await send(client, sql, params)).rows as Row[];
}

async function execute(
  client: pg.Pool | pg.PoolClient,
  sql: string,
  params: readonly unknown[],
): Promise<number> {
  return (await send(client, sql, params)).rowCount ?? 0;
}

/** A transaction's statements on one pooled connection; bulk rows as multi-row inserts. */
function txOn(client: pg.PoolClient): SqlTx {
  const tx: SqlTx = {
    query: (sql, params = []) => run(client, sql, params),
    execute: (sql, params = []) => execute(client, sql, params),
    append: (table, columns, rows) =>
      insertMany(tx, `INSERT INTO ${table} (${columns.map((c) => c.name).join(', ')})`, rows),
  };
  return tx;
}

/** The shared repositories' database on a PostgreSQL pool. */
export function createPgSqlDb(ctx: PgContext): SqlDb {
  return {
    dialect: postgresSqlDialect,
    query: (sql, params = []) => run(ctx.pool, sql, params),
    execute: (sql, params = []) => execute(ctx.pool, sql, params),
    transaction: (fn) => inTransaction(ctx.pool, (client) => fn(txOn(client))),
  };
}
