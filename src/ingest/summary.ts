/** Human-readable import summaries for the CLI. */
import type { ImportSummary } from './types.ts';

/** Adds up several files' summaries. */
export function totals(list: ImportSummary[]): {
  rows: number;
  readings: number;
  stored: number;
  duplicates: number;
  rejected: number;
} {
  const t = { rows: 0, readings: 0, stored: 0, duplicates: 0, rejected: 0 };
  for (const s of list) {
    t.rows += s.rows;
    t.readings += s.readings;
    t.stored += s.stored;
    t.duplicates += s.duplicates;
    t.rejected += s.rejected;
  }
  return t;
}

/** The summary of one file as text lines. */
export function formatSummary(s: ImportSummary): string {
  const rate = s.seconds > 0 ? Math.round(s.readings / s.seconds).toLocaleString('en-US') : '-';
  const lines = [
    `${s.file} (${s.format}): ${s.rows.toLocaleString('en-US')} rows read, ${s.readings.toLocaleString('en-US')} readings, ` +
      `${s.stored.toLocaleString('en-US')} stored, ${s.duplicates.toLocaleString('en-US')} duplicates, ${s.rejected.toLocaleString('en-US')} rejected ` +
      `in ${s.seconds.toFixed(1)} s (${rate} readings/s)`,
  ];
  const fac = s.facilities ?? [];
  if (fac.length > 1)
    lines.push(
      `  into ${fac.length} facilities: ${fac.slice(0, 5).join(', ')}${fac.length > 5 ? ', ...' : ''}`,
    );
  else if (fac.length === 1) lines.push(`  into facility ${fac[0]}`);
  for (const [reason, g] of Object.entries(s.byReason).sort((a, b) => b[1].count - a[1].count)) {
    lines.push(`  rejected ${reason}: ${g.count.toLocaleString('en-US')}`);
    for (const e of g.examples.slice(0, 3))
      lines.push(`    ${e.file}:${e.line}${e.field ? ` [${e.field}]` : ''} ${e.message}`);
  }
  for (const [reason, g] of Object.entries(s.skipped ?? {}))
    lines.push(`  skipped ${reason}: ${g.count.toLocaleString('en-US')} rows (${g.note})`);
  if (s.quarantine) lines.push(`  quarantine: ${s.quarantine}`);
  return lines.join('\n');
}
