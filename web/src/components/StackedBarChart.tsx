/**
 * Stacked bars around a zero line in SVG: series marked `below` stack downwards (energy produced and
 * sent away, as Home Assistant draws it), the others upwards (energy used and where it came from).
 */
import { useMemo, useRef } from 'react';
import { type StackInput, categorySlots, signedAxis, stackSegments, stackTotals } from '../lib/bar-layout.ts';
import { useWidth } from '../lib/use-width.ts';
import { CategoryLabel, ChartLegend, ChartSvg, ValueGrid } from './ChartParts.tsx';

/** One stacked series. */
export type StackSeries = StackInput;

const PAD = { left: 72, right: 12, top: 10, bottom: 28 };

/** Renders the stacks with a y axis (both signs), category labels and a legend. */
export function StackedBarChart({
  categories,
  series,
  format,
  height = 240,
  testId,
}: {
  categories: string[];
  series: StackSeries[];
  format: (v: number) => string;
  height?: number;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const W = useWidth(box);
  const { zero, scale, ticks } = useMemo(
    () => signedAxis(stackTotals(categories.length, series), format, PAD, height),
    [series, categories.length, format, height],
  );
  const { slot, every } = categorySlots(W, PAD, categories.length, 56);
  const barW = Math.max(1, Math.min(48, slot * 0.75));
  return (
    <div className="barchart" data-testid={testId} ref={box}>
      <ChartSvg width={W} height={height} label={series.map((s) => s.label).join(', ')}>
        <ValueGrid ticks={ticks} x1={PAD.left} x2={W - PAD.right} />
        {categories.map((c, i) => {
          const x = PAD.left + i * slot + (slot - barW) / 2;
          return (
            <g key={c + i}>
              {stackSegments(series, i, zero, scale).map((b) => (
                <rect key={b.label} x={x} y={b.y} width={barW} height={b.height} style={{ fill: b.color }}>
                  <title>{`${c} · ${b.label}: ${format(b.value)}`}</title>
                </rect>
              ))}
              {i % every === 0 ? (
                <CategoryLabel x={x + barW / 2} y={height - PAD.bottom + 16} text={c} />
              ) : null}
            </g>
          );
        })}
      </ChartSvg>
      <ChartLegend series={series} />
    </div>
  );
}
