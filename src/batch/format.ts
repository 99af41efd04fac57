/** Output formats of `loadscope query`: an aligned terminal table, CSV or JSON. */
import { csvLine } from '../util/csv.ts';

/** Output formats. */
export const OUTPUT_FORMATS = ['table', 'csv', 'json'] as const;
/** An output format. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(3);
  return String(v);
}

/** Formats rows (objects with the same keys, in `columns` order) in the chosen format. */
export function formatRows(rows: Record<string, unknown>[], columns: string[], format: OutputFormat): string {
  if (format === 'json')
    return `${JSON.stringify(
      rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null]))),
      null,
      2,
    )}\n`;
  if (format === 'csv') return csvLine(columns) + rows.map((r) => csvLine(columns.map((c) => r[c]))).join('');
  const cells = rows.map((r) => columns.map((c) => cell(r[c])));
  const numeric = columns.map(
    (c) =>
      rows.length > 0 && rows.every((r) => r[c] === null || r[c] === undefined || typeof r[c] === 'number'),
  );
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => (row[i] ?? '').length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => (numeric[i] ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const out = [line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
  return `${out.join('\n')}\n${rows.length} row${rows.length === 1 ? '' : 's'}\n`;
}
