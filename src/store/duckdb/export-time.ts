/**
 * Times in exported files. Readings and rollups keep instants as epoch milliseconds (a DOUBLE for
 * readings), which analysts' tools read as plain numbers; exports write them as times instead.
 * Both forms go through a TIMESTAMP of whole microseconds, so the session's time zone never applies.
 */
import type { ExportFormat } from '../ports/readings.ts';

const micros = (ms: string): string => `make_timestamp(CAST(round(${ms} * 1000) AS BIGINT))`;

/** SQL: epoch milliseconds as ISO 8601 text in UTC, `2024-01-15T05:00:00.000Z` (CSV). */
export function msToIsoSql(ms: string): string {
  return `strftime(${micros(ms)}, '%Y-%m-%dT%H:%M:%S.%gZ')`;
}

/** SQL: epoch milliseconds as TIMESTAMPTZ, written to Parquet as TIMESTAMP(isAdjustedToUTC, MICROS). */
export function msToTimestamptzSql(ms: string): string {
  return `timezone('UTC', ${micros(ms)})`;
}

/** SQL: epoch milliseconds as the time type of an export format. */
export function msToExportTimeSql(ms: string, format: ExportFormat): string {
  return format === 'csv' ? msToIsoSql(ms) : msToTimestamptzSql(ms);
}
