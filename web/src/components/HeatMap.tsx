/** The hour-by-day heat map: one row per local day, 24 hour columns, colour by energy. */
import { fmtEnergy } from '../lib/format.ts';
import type { ResolvedTheme } from '../lib/theme.ts';
import { useTheme } from '../lib/theme-context.ts';

/** Props of {@link HeatMap}. */
export interface HeatMapProps {
  days: string[];
  /** days x 24 values, NaN where unknown. */
  values: Float64Array;
  max: number;
}

/**
 * Maps 0..1 to a teal-to-orange ramp that moves away from the page's background: from light to dark
 * on the light theme, from dark to bright on the dark theme, so an idle hour always fades into the
 * page and the busiest hour stands out.
 */
export function heatColour(f: number, theme: ResolvedTheme): string {
  const h = 190 - 160 * f;
  const l = theme === 'dark' ? 20 + 42 * f : 92 - 52 * f;
  return `hsl(${h.toFixed(0)} 70% ${l.toFixed(0)}%)`;
}

/** The ramp as a CSS gradient, sampled at the same points the cells use. */
function ramp(theme: ResolvedTheme): string {
  return `linear-gradient(to right, ${[0, 0.25, 0.5, 0.75, 1].map((f) => heatColour(f, theme)).join(', ')})`;
}

/** What a colour means: the ramp from no use to the busiest hour shown, and the empty-cell colour. */
function Legend({ max, theme }: { max: number; theme: ResolvedTheme }) {
  return (
    <div className="heat-legend" data-testid="heatmap-legend">
      <span>Energy per hour:</span>
      <span>{fmtEnergy(0)}</span>
      <span className="heat-ramp" style={{ background: ramp(theme) }} aria-hidden="true" />
      <span>{fmtEnergy(max)}</span>
      <span className="heat-cell" aria-hidden="true" />
      <span>no data</span>
    </div>
  );
}

/** Renders the grid as CSS grid cells with tooltips, and its legend. */
export function HeatMap({ days, values, max }: HeatMapProps) {
  const theme = useTheme().resolved;
  return (
    <>
      <div className="heatmap" data-testid="heatmap">
        <div className="heat-row heat-head">
          <span className="heat-day" />
          {Array.from({ length: 24 }, (_, h) => (
            <span key={h} className="heat-hour">
              {h % 3 === 0 ? h : ''}
            </span>
          ))}
        </div>
        {days.map((d, i) => (
          <div className="heat-row" key={d}>
            <span className="heat-day">{d.slice(5)}</span>
            {Array.from({ length: 24 }, (_, h) => {
              const v = values[i * 24 + h] ?? NaN;
              const known = Number.isFinite(v);
              return (
                <span
                  key={h}
                  className="heat-cell"
                  style={{ background: known ? heatColour(max > 0 ? v / max : 0, theme) : undefined }}
                  title={`${d} ${String(h).padStart(2, '0')}:00 · ${known ? fmtEnergy(v) : 'no data'}`}
                />
              );
            })}
          </div>
        ))}
      </div>
      <Legend max={max} theme={theme} />
    </>
  );
}
