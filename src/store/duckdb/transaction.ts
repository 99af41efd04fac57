import type { DuckDBConnection } from '@duckdb/node-api';
import type { DuckdbContext } from './connection.ts';

/**
 * Runs `fn` in a transaction on a connection of its own, so that statements other repositories send to the
 * shared connection meanwhile never land inside it (DuckDB transactions belong to a connection).
 */
export async function inTransaction<T>(
  ctx: DuckdbContext,
  fn: (conn: DuckDBConnection) => Promise<T>,
): Promise<T> {
  const conn = await ctx.instance.connect();
  try {
    await conn.run('BEGIN TRANSACTION');
    try {
      const result = await fn(conn);
      await conn.run('COMMIT');
      return result;
    } catch (err) {
      await conn.run('ROLLBACK').catch(() => undefined);
      throw err;
    }
  } finally {
    conn.closeSync();
  }
}
