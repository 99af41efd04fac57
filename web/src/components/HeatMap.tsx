/** The hour-by-day heat map: one row per local day, 24 hour columns, colour by energy. */
import { fmtEnergy } from '../lib/format.ts';

/** Props of {@link HeatMap}. */
export interface HeatMapProps {
  days: string[];
  /** days x 24 values, NaN where unknown. */
  values: Float64Array;
  max: number;
}

/** Maps 0..1 to a light-to-dark teal-orange ramp. */
function colour(f: number): string {
  const h = 190 - 160 * f;
  const l = 92 - 52 * f;
  return `hsl(${h.toFixed(0)} 70% ${l.toFixed(0)}%)`;
}

/** The ramp as a CSS gradient, sampled at the same points the cells use. */
const RAMP = `linear-gradient(to right, ${[0, 0.25, 0.5, 0.75, 1].map(colour).join(', ')})`;

/** What a colour means: the ramp from no use to the busiest hour shown, and the empty-cell colour. */
function Legend({ max }: { max: number }) {
  return (
    <div className="heat-legend" data-testid="heatmap-legend">
      <span>Energy per hour:</span>
      <span>{fmtEnergy(0)}</span>
      <span className="heat-ramp" style={{ background: RAMP }} aria-hidden="true" />
      <span>{fmtEnergy(max)}</span>
      <span className="heat-cell" aria-hidden="true" />
      <span>no data</span>
    </div>
  );
}

/** Renders the grid as CSS grid cells with tooltips, and its legend. */
export function HeatMap({ days, values, max }: HeatMapProps) {
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
                  style={{ background: known ? colour(max > 0 ? v / max : 0) : undefined }}
                  title={`${d} ${String(h).padStart(2, '0')}:00 · ${known ? fmtEnergy(v) : 'no data'}`}
                />
              );
            })}
          </div>
        ))}
      </div>
      <Legend max={max} />
    </>
  );
}
