/**
 * Stacked bars around a zero line in SVG: series marked `below` stack downwards (energy produced and
 * sent away, as Home Assistant draws it), the others upwards (energy used and where it came from).
 */
import { useMemo, useRef } from 'react';
import { niceTicks } from '../lib/axis.ts';
import { useWidth } from '../lib/use-width.ts';

/** One stacked series. */
export interface StackSeries {
  label: string;
  values: number[];
  color: string;
  /** Stacks below the zero line. */
  below?: boolean;
}

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
  const { up, down } = useMemo(() => {
    const sum = (below: boolean) =>
      Math.max(
        0,
        ...categories.map((_, i) =>
          series.filter((s) => !!s.below === below).reduce((a, s) => a + Math.max(0, s.values[i] ?? 0), 0),
        ),
      );
    return { up: sum(false), down: sum(true) };
  }, [series, categories]);
  const { top, ticks } = useMemo(() => niceTicks(Math.max(up, down), format), [up, down, format]);
  const plotH = height - PAD.top - PAD.bottom;
  // Share of the height above zero follows the larger side of each sign.
  const upShare = up + down > 0 ? Math.max(0.3, Math.min(0.85, up / (up + down))) : 1;
  const zero = PAD.top + plotH * upShare;
  const scale = (plotH * Math.max(upShare, 1 - upShare)) / top;
  const plotW = W - PAD.left - PAD.right;
  const slot = plotW / Math.max(1, categories.length);
  const barW = Math.max(1, Math.min(48, slot * 0.75));
  const every = Math.ceil(categories.length / Math.max(1, Math.floor(plotW / 56)));
  const shownTicks = [
    ...ticks.filter((t) => t > 0 && zero - t * scale >= PAD.top - 1).map((t) => t),
    0,
    ...ticks.filter((t) => t > 0 && zero + t * scale <= PAD.top + plotH + 1).map((t) => -t),
  ];
  return (
    <div className="barchart" data-testid={testId} ref={box}>
      <svg
        viewBox={`0 0 ${W} ${height}`}
        width={W}
        height={height}
        role="img"
        aria-label={series.map((s) => s.label).join(', ')}
      >
        {shownTicks.map((t) => (
          <g key={t}>
            <line
              x1={PAD.left}
              x2={W - PAD.right}
              y1={zero - t * scale}
              y2={zero - t * scale}
              className={t === 0 ? 'axis' : 'grid'}
            />
            <text x={PAD.left - 6} y={zero - t * scale + 4} textAnchor="end" className="tick">
              {format(Math.abs(t))}
            </text>
          </g>
        ))}
        {categories.map((c, i) => {
          let above = zero;
          let beneath = zero;
          const x = PAD.left + i * slot + (slot - barW) / 2;
          return (
            <g key={c + i}>
              {series.map((s) => {
                const v = Math.max(0, s.values[i] ?? 0);
                if (!(v > 0)) return null;
                const h = v * scale;
                const y = s.below ? beneath : above - h;
                if (s.below) beneath += h;
                else above -= h;
                return (
                  <rect
                    key={s.label}
                    x={x}
                    y={y}
                    width={barW}
                    height={Math.max(0.5, h)}
                    style={{ fill: s.color }}
                  >
                    <title>{`${c} · ${s.label}: ${format(v)}`}</title>
                  </rect>
                );
              })}
              {i % every === 0 ? (
                <text x={x + barW / 2} y={height - PAD.bottom + 16} textAnchor="middle" className="tick">
                  {c}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <div className="legend">
        {series.map((s) => (
          <span key={s.label}>
            <i style={{ background: s.color }} />
            {s.label}
          </span>
        ))}
      </div>
    </div>
  );
}
