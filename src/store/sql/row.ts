/**
 * Typed reads of result rows: each shared repository turns a row into its record once, here at the
 * store's edge, and a value of the wrong kind fails naming its column instead of flowing on cast.
 * DuckDB returns BIGINT as bigint and PostgreSQL as a string; both read as numbers.
 */
import { StoreError } from '../../errors.ts';

/** A result row as the drivers return it. */
export type Row = Record<string, unknown>;

function bad(col: string, v: unknown, expected: string): StoreError {
  const got = typeof v === 'string' ? `'${v}'` : String(v);
  return new StoreError('sql', `read column '${col}': expected ${expected}, got ${got}`);
}

/** A non-null text column. */
export function str(r: Row, col: string): string {
  const v = r[col];
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) throw bad(col, v, 'text');
  return String(v);
}

/** A nullable text column. */
export function strOrNull(r: Row, col: string): string | null {
  return r[col] === null || r[col] === undefined ? null : str(r, col);
}

/** A non-null numeric column (BIGINT, INTEGER, DOUBLE). */
export function num(r: Row, col: string): number {
  const v = r[col];
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint' || typeof v === 'string') return Number(v);
  throw bad(col, v, 'a number');
}

/** A nullable numeric column. */
export function numOrNull(r: Row, col: string): number | null {
  return r[col] === null || r[col] === undefined ? null : num(r, col);
}

/** A boolean column. */
export function bool(r: Row, col: string): boolean {
  return Boolean(r[col]);
}

/** A text column holding one of `values` (a string-literal union's `as const` array). */
export function oneOf<T extends string>(r: Row, col: string, values: readonly T[]): T {
  const v = str(r, col);
  if ((values as readonly string[]).includes(v)) return v as T;
  throw bad(col, v, `one of ${values.join(', ')}`);
}

/** A nullable text column holding one of `values`. */
export function oneOfOrNull<T extends string>(r: Row, col: string, values: readonly T[]): T | null {
  return r[col] === null || r[col] === undefined ? null : oneOf(r, col, values);
}

/**
 * A JSON document: stored as text (DuckDB, PostgreSQL TEXT) or already parsed (PostgreSQL JSONB). Its
 * shape is the writer's, so the caller names the type it wrote.
 */
export function json<T>(r: Row, col: string): T {
  const v = r[col];
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

/** A nullable JSON document (see {@link json}). */
export function jsonOrNull<T>(r: Row, col: string): T | null {
  return r[col] === null || r[col] === undefined ? null : json<T>(r, col);
}
