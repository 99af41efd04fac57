import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/** What every DuckDB repository receives: the open database and a connection to it. */
export interface DuckdbContext {
  readonly instance: DuckDBInstance;
  /** Connection for reads and small writes. */
  readonly conn: DuckDBConnection;
  /** Path of the database file, or `:memory:`. */
  readonly path: string;
}
