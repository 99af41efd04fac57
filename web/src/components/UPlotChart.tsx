/**
 * A uPlot chart that fills its container's width: created once per `options`, theme and time zone, fed
 * new data through `setData` (cheap: no re-creation), resized with the container. `onReady` hands out
 * the instance (zoom hooks, tests reading the drawn range). Axis, tick and grid colours come from the
 * theme (uPlot draws on a canvas, which CSS cannot re-colour), so a theme change rebuilds the chart. A
 * chart over time draws its axis and legend in the zone the user chose (lib/zone-choice.ts) and names
 * that zone under the plot.
 */
import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { type ChartPalette, useChartPalette } from '../lib/theme-context.ts';
import { useZone } from '../lib/zone-choice.ts';
import { ZoneCaption } from './ZoneSwitch.tsx';

/** Props of {@link UPlotChart}. */
export interface UPlotChartProps {
  /** Options without width (taken from the container); height defaults to 280. */
  options: Omit<uPlot.Options, 'width' | 'height'> & { height?: number };
  data: uPlot.AlignedData;
  /** Keep the current zoom when data changes (live charts reset it). */
  keepScales?: boolean;
  onReady?: (u: uPlot) => void;
  className?: string;
  testId?: string;
}

/**
 * uPlot's `tzDate` for a zone: `ms` is uPlot's "timestamp multiplier that yields 1 millisecond" (1e-3
 * for seconds, the default; 1 for milliseconds), so a timestamp is `t / ms` milliseconds, as uPlot's
 * own default does. (Multiplying instead put the live chart, in seconds, at 1970.)
 */
export function zonedDates(ms: number, zone: string): (t: number) => Date {
  return (t) => uPlot.tzDate(new Date(Math.round(t / ms)), zone);
}

/** Renders a uPlot chart. */
export function UPlotChart({
  options: given,
  data,
  keepScales = false,
  onReady,
  className,
  testId,
}: UPlotChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const { zone, caption } = useZone();
  const overTime = given.scales?.['x']?.time !== false;
  // uPlot reads times through tzDate: the zone's wall clock, at the options' time resolution.
  const options = useMemo(
    () => (overTime ? { ...given, tzDate: zonedDates(given.ms ?? 1e-3, zone) } : given),
    [given, overTime, zone],
  );
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(data);
  latest.current = data;
  // The data the chart already shows, so that a fresh build is not followed by a second draw.
  const shown = useRef<uPlot.AlignedData | null>(null);
  const palette = useChartPalette();

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const u = new uPlot(
      {
        ...options,
        axes: themedAxes(options.axes, palette),
        width: Math.max(200, el.clientWidth),
        height: options.height ?? 280,
      },
      latest.current,
      el,
    );
    plot.current = u;
    shown.current = latest.current;
    onReady?.(u);
    const ro = new ResizeObserver(() => {
      const w = Math.max(200, el.clientWidth);
      if (Math.abs(w - u.width) > 1) u.setSize({ width: w, height: options.height ?? 280 });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
    // The chart is rebuilt only when its options object or the theme changes; callers memoise options.
    // onReady is read once per build on purpose.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- see above
  }, [options, palette]);

  useEffect(() => {
    if (!plot.current || shown.current === data) return;
    shown.current = data;
    plot.current.setData(data, !keepScales);
  }, [data, keepScales]);

  // data-axis names the axis colour drawn (the canvas hides it), so that tests can see it follow the theme.
  return (
    <>
      <div
        ref={box}
        className={className ?? 'chart'}
        data-testid={testId}
        data-axis={palette.axis}
        data-zone={overTime ? zone : undefined}
      />
      {overTime ? <ZoneCaption caption={caption} /> : null}
    </>
  );
}

/** The axes (uPlot's default pair when none are given) in the theme's colours; explicit colours win. */
export function themedAxes(axes: uPlot.Axis[] | undefined, p: ChartPalette): uPlot.Axis[] {
  return (axes ?? [{}, {}]).map((a) => ({
    stroke: p.axis,
    ...a,
    grid: { stroke: p.grid, width: 1, ...a.grid },
    ticks: { stroke: p.grid, width: 1, ...a.ticks },
  }));
}
