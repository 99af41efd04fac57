/**
 * What differs between the SQL engines for the repositories written once in this folder, the way
 * kysely keeps one query layer above `src/dialect/<db>/`. Each adapter folder exports its value.
 */

/** Names of the SQL dialects. */
export type DialectName = 'duckdb' | 'postgres';

/** Type names and SQL fragments of one engine. */
export interface SqlDialect {
  readonly name: DialectName;
  /** Text type (`VARCHAR`, `TEXT`). */
  readonly text: string;
  /** 64-bit integer type. */
  readonly big: string;
  /** Floating-point type (`DOUBLE`, `DOUBLE PRECISION`). */
  readonly double: string;
  /** Boolean type. */
  readonly bool: string;
  /** Type of a stored JSON document (`VARCHAR` in DuckDB, `JSONB` in PostgreSQL). */
  readonly json: string;
  /**
   * A condition true when `column` is one of the strings bound at placeholder `param`, given as
   * {@link SqlDialect.textList}`(values)`.
   */
  inTextList(column: string, param: string): string;
  /** A set-returning expression of the strings bound at placeholder `param` (a `textList` value). */
  unnestTextList(param: string): string;
  /** The parameter value of a list of strings for {@link SqlDialect.inTextList}. */
  textList(values: readonly string[]): unknown;
  /** Follows `ORDER BY id` so that ids order byte-wise (PostgreSQL: ` COLLATE "C"`; DuckDB's default is). */
  readonly byteOrder: string;
  /** The parameter value of a `text[]` column, and the cast its placeholder takes. */
  textArray(values: readonly string[]): unknown;
  readonly textArrayCast: string;
  /** A temp table that goes with the transaction: `CREATE TEMP TABLE name (cols)`. */
  tempTable(name: string, cols: string): string;
}
