/** CSV lines and the time format of every export and query output, shared by the store's exports and the CLI. */

/**
 * An instant (epoch milliseconds) as ISO 8601 in UTC with milliseconds, `2024-01-15T05:00:00.000Z`:
 * the time format of every export and query output, which spreadsheets, pandas and R read as a time
 * (epoch milliseconds, fractional when stored as a double, read as a plain number).
 */
export function isoTime(ms: number): string {
  return new Date(Math.round(ms)).toISOString();
}

/** One CSV field: quoted when it holds a comma, quote or line break; empty for null. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One CSV line with its newline. */
export function csvLine(values: unknown[]): string {
  return `${values.map(csvField).join(',')}\n`;
}
