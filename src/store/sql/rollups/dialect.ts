/**
 * The few SQL fragments where DuckDB and PostgreSQL differ. Everything else in the batch SQL is
 * written once, so that both adapters compute the same numbers by the same formulas.
 */

/** SQL fragment builders for one database engine. */
export interface RollupDialect {
  readonly name: 'duckdb' | 'postgres';
  /** Floating-point type name. */
  readonly double: string;
  /** Integer division of two BIGINT expressions (truncating). */
  idiv(a: string, b: string): string;
  /** Local wall-clock time of the UTC instant `utcMs` in zone `tz`, as milliseconds since 1970-01-01 local. */
  localEpochMs(tz: string, utcMs: string): string;
  /** `YYYY-MM-DDTHH` of a local wall-clock millisecond value. */
  hourLabel(localMs: string): string;
  /** `YYYY-MM-DD` of a local wall-clock millisecond value. */
  dayLabel(localMs: string): string;
  /** Continuous (interpolated) percentile; `fraction` is a numeric literal in 0..1. */
  quantile(expr: string, fraction: string): string;
  /** A select-list expression that expands one row into one row per integer in [lo, hi]. */
  series(lo: string, hi: string): string;
  /** A temp table (from column definitions or a query) that disappears with the transaction or connection. */
  tempTable(name: string, def: { cols: string } | { as: string }): string;
}

/** DuckDB (ICU time zones). */
export const duckdbDialect: RollupDialect = {
  name: 'duckdb',
  double: 'DOUBLE',
  idiv: (a, b) => `((${a}) // (${b}))`,
  localEpochMs: (tz, ms) => `epoch_ms(timezone(${tz}, to_timestamp((${ms}) / 1000)))`,
  hourLabel: (l) => `strftime(make_timestamp(CAST(${l} AS BIGINT) * 1000), '%Y-%m-%dT%H')`,
  dayLabel: (l) => `strftime(make_timestamp(CAST(${l} AS BIGINT) * 1000), '%Y-%m-%d')`,
  quantile: (e, f) => `quantile_cont(${e}, ${f})`,
  series: (lo, hi) => `unnest(generate_series(CAST(${lo} AS BIGINT), CAST(${hi} AS BIGINT)))`,
  tempTable: (name, def) =>
    `CREATE OR REPLACE TEMP TABLE ${name} ${'cols' in def ? `(${def.cols})` : `AS ${def.as}`}`,
};

/** PostgreSQL (AT TIME ZONE with the server's tz database). */
export const postgresDialect: RollupDialect = {
  name: 'postgres',
  double: 'DOUBLE PRECISION',
  idiv: (a, b) => `((${a}) / (${b}))`,
  localEpochMs: (tz, ms) =>
    `CAST(extract(epoch FROM (to_timestamp((${ms}) / 1000.0) AT TIME ZONE ${tz})) * 1000 AS BIGINT)`,
  hourLabel: (l) => `to_char(to_timestamp((${l}) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24')`,
  dayLabel: (l) => `to_char(to_timestamp((${l}) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
  quantile: (e, f) => `percentile_cont(${f}) WITHIN GROUP (ORDER BY ${e})`,
  series: (lo, hi) => `generate_series(CAST(${lo} AS BIGINT), CAST(${hi} AS BIGINT))`,
  tempTable: (name, def) =>
    'cols' in def
      ? `CREATE TEMP TABLE ${name} (${def.cols}) ON COMMIT DROP`
      : `CREATE TEMP TABLE ${name} ON COMMIT DROP AS ${def.as}`,
};
