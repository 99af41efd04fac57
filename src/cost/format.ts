/** Text the cost commands print. */
import type { CostStepResult } from '../batch/run-batch.ts';

const MAX_WARNINGS = 10;

/** One line for what the cost step did, then its warnings (the first ten). */
export function costLine(c: CostStepResult): string {
  const lines = [`costs: ${c.meters} meter(s) priced, ${c.rows} cost row(s)\n`];
  for (const w of c.warnings.slice(0, MAX_WARNINGS)) lines.push(`  warning: ${w}\n`);
  if (c.warnings.length > MAX_WARNINGS)
    lines.push(`  ... and ${c.warnings.length - MAX_WARNINGS} more warning(s)\n`);
  return lines.join('');
}
