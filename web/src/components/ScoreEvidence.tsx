/** A score's evidence: its figures as a table and its series as charts (lines with uPlot, bars in SVG). */
import { useMemo } from 'react';
import type uPlot from 'uplot';
import type { EvidenceSeries, ScoreDetail } from '../api/jobs.ts';
import { figureLabel } from '../lib/score-figures.ts';
import { seriesColour, useChartPalette } from '../lib/theme-context.ts';
import { BarChart } from './BarChart.tsx';
import { UPlotChart } from './UPlotChart.tsx';

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
                {v === null
                  ? '—'
                  : typeof v === 'number'
                    ? v.toLocaleString('en-US', { maximumFractionDigits: 3 })
                    : v}
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
  const palette = useChartPalette();
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'> & { height: number }>(
    () => ({
      height: 200,
      scales: { x: { time: false } },
      axes: [{ label: 'hour of day' }, { label: series[0]?.unit ?? '' }],
      series: [{}, ...series.map((s, i) => ({ label: s.name, stroke: seriesColour(palette, i), width: 2 }))],
    }),
    [series, palette],
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
        series={[{ label: series.name, values: series.y.map((v) => v ?? NaN), color: 'var(--chart-1)' }]}
        format={(v) => `${v.toLocaleString('en-US', { maximumFractionDigits: 1 })} ${series.unit}`}
        height={180}
        testId="evidence-bars"
      />
    </div>
  );
}
