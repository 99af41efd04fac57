/**
 * The SQL session a batch task runs the batch SQL on: one connection to an in-memory DuckDB of its
 * own, holding the catalog and the task's readings as the tables the batch SQL names.
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { SqlExec, SqlSession } from '../../store/sql/rollups/sql-db.ts';
import { atomically } from '../../util/atomically.ts';

/** {@link SqlSession} over one DuckDB connection (nothing else uses it while the task runs). */
export function taskSession(conn: DuckDBConnection): SqlSession {
  const exec: SqlExec = {
    async all(sql, params = []) {
      return (await conn.runAndReadAll(sql, params as DuckDBValue[])).getRowObjectsJS();
    },
    async run(sql, params = []) {
      return (await conn.run(sql, params as DuckDBValue[])).rowsChanged;
    },
  };
  return {
    ...exec,
    atomic: (body) => atomically(conn, body),
  };
}

/** Quotes a string as an SQL literal (COPY and read_parquet take no parameters). */
export function lit(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** A DuckDB list literal of strings. */
export function litList(items: readonly string[]): string {
  return `[${items.map(lit).join(', ')}]`;
}
