/** The slice of a database connection the batch SQL needs; each adapter provides one. */

/** Runs statements with positional `$n` parameters. */
export interface SqlExec {
  /** Runs a query and returns its rows as plain objects. */
  all(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Runs a statement and returns the number of rows it changed. */
  run(sql: string, params?: unknown[]): Promise<number>;
}

/** A database: statements, and transactions on a dedicated connection (temp tables live there). */
export interface SqlDb extends SqlExec {
  /** Runs `fn` in one transaction on one connection; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: SqlExec) => Promise<T>): Promise<T>;
}

/** A number from a driver value (BIGINT arrives as bigint in DuckDB and as a string in pg). */
export function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}

/** A number, or null for SQL NULL. */
export function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : num(v);
}
