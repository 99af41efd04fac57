import type pg from 'pg';

/** What every PostgreSQL repository receives: a connection pool. */
export interface PgContext {
  readonly pool: pg.Pool;
  /** Schema (namespace) the tables live in; tests use one per run. */
  readonly schema: string;
}

/** A result row as pg returns it (BIGINT and NUMERIC as strings). */
export type Row = Record<string, unknown>;

/** Runs a query on the pool and returns its rows. */
export async function queryRows(
  pool: pg.Pool | pg.PoolClient,
  sql: string,
  values: unknown[] = [],
): Promise<Row[]> {
  return (await pool.query(sql, values)).rows as Row[];
}

/** Runs `fn` in a transaction on one pooled connection; rolls back when it throws. */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    // A connection that cannot even roll back is dropped from the pool instead of being reused.
    await client
      .query('ROLLBACK')
      .catch((e: unknown) => (broken = e instanceof Error ? e : new Error(String(e))));
    throw err;
  } finally {
    client.release(broken);
  }
}
