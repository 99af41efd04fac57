/** The slice of a database connection the batch SQL needs; each adapter provides one. */

/** Runs statements with positional `$n` parameters. */
export interface SqlExec {
  /** Runs a query and returns its rows as plain objects. */
  all(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Runs a statement and returns the number of rows it changed. */
  run(sql: string, params?: unknown[]): Promise<number>;
}

/** Statements on one dedicated connection, where temp tables live. */
export interface SqlSession extends SqlExec {
  /**
   * Runs `fn` atomically: everything it writes lands together or not at all. The temp tables a session
   * prepares before are visible inside.
   */
  atomic<T>(fn: () => Promise<T>): Promise<T>;
}

/** A database: statements, and sessions on a dedicated connection. */
export interface SqlDb extends SqlExec {
  /**
   * Runs `fn` on a connection of its own, one session at a time per database. DuckDB prepares temp
   * tables outside the write transaction (inside one, its optimiser sees them as empty and picks
   * cross joins); PostgreSQL runs the whole session in one transaction.
   */
  session<T>(fn: (s: SqlSession) => Promise<T>): Promise<T>;
}

/** A number from a driver value (BIGINT arrives as bigint in DuckDB and as a string in pg). */
export function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}

/** A number, or null for SQL NULL. */
export function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : num(v);
}
