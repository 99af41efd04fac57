/**
 * The slice of a database the shared repositories in this folder use. Each adapter (`duckdb/sql-db.ts`,
 * `postgres/sql-db.ts`) builds one over its own connections; both speak `$n` placeholders and
 * `INSERT ... ON CONFLICT`, and what else differs is in {@link SqlDialect}.
 */
import type { SqlDialect } from './dialect.ts';
import type { Row } from './row.ts';

/** Statements with positional `$n` parameters. */
export interface SqlExec {
  /**
   * Runs one statement and returns its rows as plain objects (none for most writes). A JS array of
   * numbers binds as a list/array of doubles; a failure is a `StoreError` with the driver's error as
   * its cause.
   */
  query(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /**
   * Runs one statement and returns how many rows it changed (a `DELETE` that must remove exactly the
   * rows a caller verified counts them this way instead of returning every row).
   */
  execute(sql: string, params?: readonly unknown[]): Promise<number>;
}

/** A column of a bulk insert, with the type the adapter's bulk path writes it as. */
export interface BulkColumn {
  readonly name: string;
  readonly type: 'text' | 'double' | 'bigint';
}

/** Statements inside one transaction on one connection. */
export interface SqlTx extends SqlExec {
  /**
   * Appends rows (values in `columns` order, every column of the table in table order) the adapter's
   * fastest way: DuckDB's appender, PostgreSQL multi-row inserts.
   */
  append(table: string, columns: readonly BulkColumn[], rows: readonly (readonly unknown[])[]): Promise<void>;
}

/** One database as the shared repositories see it. */
export interface SqlDb extends SqlExec {
  /** Type names and the few functions that differ between the engines. */
  readonly dialect: SqlDialect;
  /** Runs `fn` in a transaction on a connection of its own; rolls back when it throws. */
  transaction<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T>;
}

const ROWS_PER_INSERT = 500;

/**
 * Inserts rows of equal width with multi-row `VALUES` statements of at most 500 rows; `head` is the
 * `INSERT INTO t (cols)` part and `tail` what follows the values (an `ON CONFLICT` clause).
 */
export async function insertMany(
  db: SqlExec,
  head: string,
  rows: readonly (readonly unknown[])[],
  tail = '',
  rowsPerInsert = ROWS_PER_INSERT,
): Promise<void> {
  for (let i = 0; i < rows.length; i += rowsPerInsert) {
    const chunk = rows.slice(i, i + rowsPerInsert);
    await db.query(`${head} VALUES ${tuples(chunk.length, chunk[0]?.length ?? 0)} ${tail}`, chunk.flat());
  }
}

/** `($1, $2), ($3, $4)`: placeholders for `n` rows of `width` values. */
export function tuples(n: number, width: number): string {
  return Array.from(
    { length: n },
    (_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`,
  ).join(', ');
}

/**
 * `SET a = $1, b = $2` for the defined fields of `patch` (named by `columns`), and their values; the
 * next free placeholder is `$${values.length + 1}`.
 */
export function setClause<K extends string>(
  patch: Partial<Record<K, unknown>>,
  columns: Readonly<Record<K, string>>,
): { sql: string; values: unknown[] } {
  const sets: string[] = [];
  const values: unknown[] = [];
  for (const [k, col] of Object.entries(columns) as [K, string][]) {
    if (patch[k] === undefined) continue;
    values.push(patch[k]);
    sets.push(`${col} = $${values.length}`);
  }
  return { sql: sets.length ? `SET ${sets.join(', ')}` : '', values };
}
