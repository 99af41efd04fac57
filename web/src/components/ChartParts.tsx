/** What the SVG bar charts share: the frame, the value grid with its labels, category labels, the legend. */
import type { ReactNode } from 'react';
import type { AxisTick } from '../lib/bar-layout.ts';

/** The chart's SVG, labelled with its series for screen readers. */
export function ChartSvg({
  width,
  height,
  label,
  children,
}: {
  width: number;
  height: number;
  label: string;
  children: ReactNode;
}) {
  return (
    <svg viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label={label}>
      {children}
    </svg>
  );
}

/** Horizontal grid lines from `x1` to `x2` with their labels left of the plot (the zero line as an axis). */
export function ValueGrid({ ticks, x1, x2 }: { ticks: AxisTick[]; x1: number; x2: number }) {
  return ticks.map((t) => (
    <g key={t.value}>
      <line x1={x1} x2={x2} y1={t.y} y2={t.y} className={t.zero ? 'axis' : 'grid'} />
      <text x={x1 - 6} y={t.y + 4} textAnchor="end" className="tick">
        {t.label}
      </text>
    </g>
  ));
}

/** A category's label under the plot, centred on `x`. */
export function CategoryLabel({ x, y, text }: { x: number; y: number; text: string }) {
  return (
    <text x={x} y={y} textAnchor="middle" className="tick">
      {text}
    </text>
  );
}

/** Colour swatches with the series names. */
export function ChartLegend({ series }: { series: { label: string; color: string }[] }) {
  return (
    <div className="legend">
      {series.map((s) => (
        <span key={s.label}>
          <i style={{ background: s.color }} />
          {s.label}
        </span>
      ))}
    </div>
  );
}
