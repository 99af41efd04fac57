/** A score's evidence: its figures as a table and its series as charts (lines with uPlot, bars in SVG). */
import { useMemo } from 'react';
import type uPlot from 'uplot';
import type { EvidenceSeries, ScoreDetail } from '../api/jobs.ts';
import { figureLabel } from '../lib/score-figures.ts';
import { BarChart } from './BarChart.tsx';
import { UPlotChart } from './UPlotChart.tsx';

// The application's palette (styles.css): brand teal, warning orange, info blue, critical red.
const COLORS = ['#0b7a75', '#d9822b', '#3a6fb0', '#c43d5a'];

/** Renders the evidence of one score. */
export function ScoreEvidence({ score }: { score: ScoreDetail }) {
  const lines = score.evidence.series.filter((s) => s.kind === 'line');
  const bars = score.evidence.series.filter((s) => s.kind === 'bar');
  return (
    <div className="evidence" data-testid={`evidence-${score.product}`}>
      <table className="table compact">
        <tbody>
          {Object.entries(score.evidence.figures).map(([k, v]) => (
            <tr key={k}>
              <td className="sub" title={k}>
                {figureLabel(k)}
              </td>
              <td className="num">
                {typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 3 }) : v}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {lines.length ? <LineEvidence series={lines} /> : null}
      {bars.map((b) => (
        <BarEvidence key={b.name} series={b} />
      ))}
    </div>
  );
}

/** Line series sharing an x axis (e.g. weekday and weekend power by hour of day). */
function LineEvidence({ series }: { series: EvidenceSeries[] }) {
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'> & { height: number }>(
    () => ({
      height: 200,
      scales: { x: { time: false } },
      axes: [{ label: 'hour of day' }, { label: series[0]?.unit ?? '' }],
      series: [{}, ...series.map((s, i) => ({ label: s.name, stroke: COLORS[i % COLORS.length], width: 2 }))],
    }),
    [series],
  );
  const data = useMemo<uPlot.AlignedData>(() => [series[0]?.x ?? [], ...series.map((s) => s.y)], [series]);
  return <UPlotChart options={options} data={data} testId="evidence-lines" />;
}

/** One bar series (e.g. energy per week). */
function BarEvidence({ series }: { series: EvidenceSeries }) {
  const categories = series.x.map((x) => (x > 1e11 ? new Date(x).toISOString().slice(5, 10) : String(x)));
  return (
    <div>
      <div className="sub">
        {series.name} ({series.unit})
      </div>
      <BarChart
        categories={categories}
        series={[{ label: series.name, values: series.y, color: COLORS[0] as string }]}
        format={(v) => `${v.toLocaleString('en-US', { maximumFractionDigits: 1 })} ${series.unit}`}
        height={180}
        testId="evidence-bars"
      />
    </div>
  );
}
