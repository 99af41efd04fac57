/**
 * A categorical bar chart in SVG (energy per day, per zip code, per appliance), grouped when there
 * are several series. Categories are few (tens), so SVG stays light and scales with the container.
 */
import { useMemo, useRef } from 'react';
import { niceTicks } from '../lib/axis.ts';
import { useWidth } from '../lib/use-width.ts';

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
  const { top, ticks } = useMemo(
    () => niceTicks(Math.max(0, ...series.flatMap((s) => s.values.filter(Number.isFinite))), format),
    [series, format],
  );
  const plotW = W - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, categories.length);
  const barW = Math.min(72, slot * 0.8) / Math.max(1, series.length);
  const inset = (slot - barW * Math.max(1, series.length)) / 2;
  const y = (v: number) => PAD.top + plotH - (Math.max(0, v) / top) * plotH;
  const every = Math.ceil(categories.length / Math.max(1, Math.floor(W / 60)));
  return (
    <div className="barchart" data-testid={testId} ref={box}>
      <svg
        viewBox={`0 0 ${W} ${height}`}
        width={W}
        height={height}
        role="img"
        aria-label={series.map((s) => s.label).join(', ')}
      >
        {ticks.map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} className="grid" />
            <text x={PAD.left - 6} y={y(t) + 4} textAnchor="end" className="tick">
              {format(t)}
            </text>
          </g>
        ))}
        {categories.map((c, i) => (
          <g key={c + i}>
            {series.map((s, j) => {
              const v = s.values[i] ?? NaN;
              if (!Number.isFinite(v)) return null;
              const x = PAD.left + i * slot + inset + j * barW;
              return (
                <rect
                  key={s.label}
                  x={x}
                  y={y(v)}
                  width={Math.max(1, barW - 1)}
                  height={Math.max(0, PAD.top + plotH - y(v))}
                  style={{ fill: s.color }}
                >
                  <title>{`${c} · ${s.label}: ${format(v)}`}</title>
                </rect>
              );
            })}
            {i % every === 0 ? (
              <text
                x={PAD.left + i * slot + slot / 2}
                y={height - PAD.bottom + 16}
                textAnchor="middle"
                className="tick"
              >
                {c}
              </text>
            ) : null}
          </g>
        ))}
      </svg>
      {series.length > 1 ? (
        <div className="legend">
          {series.map((s) => (
            <span key={s.label}>
              <i style={{ background: s.color }} />
              {s.label}
            </span>
          ))}
        </div>
      ) : null}
    </div>
  );
}
