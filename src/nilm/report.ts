/** Experiment results as a text table, CSV and JSON. */
import type { ExperimentResult } from './evaluate.ts';
import type { MetricName } from './metrics.ts';

const fmt = (v: number): string =>
  Number.isNaN(v) ? 'n/a' : Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(3);

/** One table per run and test house: rows method x appliance, columns the metrics. */
export function formatTables(r: ExperimentResult, metrics: readonly MetricName[]): string {
  const lines: string[] = [];
  for (const run of r.runs) {
    for (const t of run.test) {
      lines.push(
        `\n${r.experiment} / ${run.name}: train ${run.train.map((x) => x.name).join(' + ')} -> test ${t.name}`,
      );
      const m = t.missing;
      lines.push(
        `test mains missing: ${m.mainsMissing} of ${m.slots} samples (${((100 * m.mainsMissing) / Math.max(1, m.slots)).toFixed(1)} %), not scored; ${m.zeroFilled} were zero-filled in the source`,
      );
      const head = ['method'.padEnd(10), 'appliance'.padEnd(16), ...metrics.map((k) => k.padStart(9))].join(
        ' ',
      );
      for (const a of run.missingAppliances)
        if (a.house === t.name || a.role === 'train')
          lines.push(
            `warning: ${a.role} house ${a.house} has ${a.reason === 'absent' ? 'no' : 'no value of'} '${a.appliance}'${a.role === 'test' ? ': not scored' : ''}`,
          );
      lines.push(head, '-'.repeat(head.length));
      for (const res of run.results.filter((x) => x.test === t.name)) {
        for (const [a, s] of Object.entries(res.scores))
          lines.push(
            [res.method.padEnd(10), a.padEnd(16), ...metrics.map((k) => fmt(s[k]).padStart(9))].join(' '),
          );
      }
    }
  }
  return lines.join('\n') + '\n';
}

/** Flat CSV: one row per run, test house, method and appliance. */
export function toCsv(r: ExperimentResult, metrics: readonly MetricName[]): string {
  const rows = [
    [
      'experiment',
      'run',
      'test',
      'method',
      'appliance',
      ...metrics,
      'scored',
      'skipped',
      'energy_true_kwh',
      'energy_pred_kwh',
      'train_s',
      'disaggregate_s',
    ].join(','),
  ];
  const q = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  for (const run of r.runs)
    for (const res of run.results)
      for (const [a, s] of Object.entries(res.scores))
        rows.push(
          [
            r.experiment,
            run.name,
            res.test,
            res.method,
            a,
            ...metrics.map((k) => String(s[k])),
            s.scored,
            s.skipped,
            s.energyTrue,
            s.energyPred,
            res.trainSeconds,
            res.disaggregateSeconds,
          ]
            .map((v) => q(String(v)))
            .join(','),
        );
  return rows.join('\n') + '\n';
}
