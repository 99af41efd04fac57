/**
 * `BEGIN`/`COMMIT`/`ROLLBACK` around a body on one connection, the one wrapper every embedded DuckDB
 * connection uses (the store's transactions, batch sessions, batch tasks). It takes the slice of a
 * connection it needs, so that feature code holding its own DuckDB connection (batch tasks) can use it
 * without importing a store adapter.
 */

/** A connection that runs one statement at a time (`DuckDBConnection` is one). */
export interface StatementRunner {
  run(sql: string): Promise<unknown>;
}

/**
 * Runs `body` in a transaction on `conn`: commits what it did when it resolves, rolls back when it
 * throws and rethrows its error (a failed rollback is not reported over the error that caused it).
 */
export async function atomically<T>(conn: StatementRunner, body: () => Promise<T>): Promise<T> {
  await conn.run('BEGIN TRANSACTION');
  try {
    const result = await body();
    await conn.run('COMMIT');
    return result;
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
