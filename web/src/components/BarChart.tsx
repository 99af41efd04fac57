/**
 * A categorical bar chart in SVG (energy per day, per zip code, per appliance), grouped when there
 * are several series. Categories are few (tens), so SVG stays light and scales with the container.
 */
import { useMemo, useRef } from 'react';
import { categorySlots, valueAxis } from '../lib/bar-layout.ts';
import { useWidth } from '../lib/use-width.ts';
import { CategoryLabel, ChartLegend, ChartSvg, ValueGrid } from './ChartParts.tsx';

/** One series of bars. */
export interface BarSeries {
  label: string;
  values: number[];
  /** Any CSS colour; a `var(--chart-n)` follows the theme without a redraw. */
  color: string;
}

/** Props of {@link BarChart}. */
export interface BarChartProps {
  categories: string[];
  series: BarSeries[];
  /** Formats a value for the axis and the tooltips. */
  format: (v: number) => string;
  height?: number;
  testId?: string;
}

const PAD = { left: 72, right: 12, top: 12, bottom: 44 };

/** Renders grouped vertical bars with a y axis, category labels and a legend. */
export function BarChart({ categories, series, format, height = 240, testId }: BarChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const W = useWidth(box);
  const { ticks, y } = useMemo(
    () =>
      valueAxis(
        series.flatMap((s) => s.values),
        format,
        PAD,
        height,
      ),
    [series, format, height],
  );
  const { slot, every } = categorySlots(W, PAD, categories.length, 60);
  const barW = Math.min(72, slot * 0.8) / Math.max(1, series.length);
  const inset = (slot - barW * Math.max(1, series.length)) / 2;
  const base = height - PAD.bottom;
  return (
    <div className="barchart" data-testid={testId} ref={box}>
      <ChartSvg width={W} height={height} label={series.map((s) => s.label).join(', ')}>
        <ValueGrid ticks={ticks} x1={PAD.left} x2={W - PAD.right} />
        {categories.map((c, i) => (
          <g key={c + i}>
            {series.map((s, j) => {
              const v = s.values[i] ?? NaN;
              if (!Number.isFinite(v)) return null;
              return (
                <rect
                  key={s.label}
                  x={PAD.left + i * slot + inset + j * barW}
                  y={y(v)}
                  width={Math.max(1, barW - 1)}
                  height={Math.max(0, base - y(v))}
                  style={{ fill: s.color }}
                >
                  <title>{`${c} · ${s.label}: ${format(v)}`}</title>
                </rect>
              );
            })}
            {i % every === 0 ? (
              <CategoryLabel x={PAD.left + i * slot + slot / 2} y={base + 16} text={c} />
            ) : null}
          </g>
        ))}
      </ChartSvg>
      {series.length > 1 ? <ChartLegend series={series} /> : null}
    </div>
  );
}
