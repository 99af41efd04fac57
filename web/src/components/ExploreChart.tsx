/**
 * The explore chart: each channel's mean as a line with its min/max as a band, one y axis per unit,
 * drag to zoom (the page refetches the new range with as many buckets as the chart has pixels),
 * double-click to zoom out. The draw hook stamps `data-drawn-at` (performance.now()) so that tests and
 * the benchmark can tell when the chart is on screen. A comparison period's series is drawn dashed in
 * its channel's colour, shifted onto the view it is compared with.
 */
import { useMemo, useRef } from 'react';
import type uPlot from 'uplot';
import { fitLabels } from '../lib/axis.ts';
import { fmtValue } from '../lib/format.ts';
import { type FetchedSeries, joinSeries } from '../lib/explore.ts';
import { seriesColour, useChartPalette } from '../lib/theme-context.ts';
import { UPlotChart } from './UPlotChart.tsx';

/** Props of {@link ExploreChart}. */
export interface ExploreChartProps {
  series: FetchedSeries[];
  /** Called with a dragged range (UTC ms). */
  onZoom: (from: number, to: number) => void;
  /** Called on double-click. */
  onZoomOut: () => void;
  height?: number;
  /** Unique key of the chart's layout (channels and units); a change rebuilds the chart. */
  layoutKey: string;
  /** The span shown (UTC ms): the x axis covers it whole, also where there is no data yet. */
  view?: { from: number; to: number };
}

/** Renders the chart. */
export function ExploreChart({
  series,
  onZoom,
  onZoomOut,
  height = 380,
  layoutKey,
  view,
}: ExploreChartProps) {
  const viewRef = useRef(view);
  viewRef.current = view;
  const box = useRef<HTMLDivElement>(null);
  const zoom = useRef(onZoom);
  zoom.current = onZoom;
  const out = useRef(onZoomOut);
  out.current = onZoomOut;
  const palette = useChartPalette();

  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'> & { height: number }>(() => {
    const units = [...new Set(series.map((s) => s.unit))];
    const s: uPlot.Series[] = [{}];
    const bands: uPlot.Band[] = [];
    const colours = new Map<string, string>();
    series.forEach((f) => {
      if (!colours.has(f.channelId)) colours.set(f.channelId, seriesColour(palette, colours.size));
      const color = colours.get(f.channelId) as string;
      const scale = f.unit;
      const base = s.length;
      s.push({
        label: `${f.label} (${f.unit})`,
        stroke: f.compared ? `${color}99` : color,
        width: f.compared ? 1.5 : 1.25,
        ...(f.compared ? { dash: [6, 4] } : {}),
        scale,
        points: { show: false },
        value: (_u, v) => (v === null ? '–' : fmtValue(v, f.unit)),
      });
      s.push({
        label: '',
        stroke: 'transparent',
        scale,
        points: { show: false },
        show: true,
      });
      s.push({
        label: '',
        stroke: 'transparent',
        scale,
        points: { show: false },
        show: true,
      });
      bands.push({ series: [base + 2, base + 1], fill: `${color}${f.compared ? '14' : '33'}` });
    });
    return {
      height,
      ms: 1,
      series: s,
      bands,
      cursor: { drag: { x: true, y: false, setScale: false } },
      select: { show: true, left: 0, top: 0, width: 0, height: 0 },
      scales: {
        x: {
          time: true,
          // Read at each redraw, so a new span needs no rebuilt chart.
          range: (_u: uPlot, min: number, max: number): uPlot.Range.MinMax => {
            const v = viewRef.current;
            return v ? [v.from, v.to] : [min, max];
          },
        },
      },
      axes: [
        { space: 90 },
        ...units.map((u, i) => ({
          scale: u,
          side: i % 2 === 0 ? 3 : 1,
          grid: { show: i === 0 },
          size: fitLabels,
          values: (_u: uPlot, splits: number[]) => splits.map((v) => fmtValue(v, u)),
        })),
      ],
      hooks: {
        setSelect: [
          (u: uPlot) => {
            if (u.select.width < 3) return;
            const from = u.posToVal(u.select.left, 'x');
            const to = u.posToVal(u.select.left + u.select.width, 'x');
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            zoom.current(Math.floor(from), Math.ceil(to));
          },
        ],
        draw: [
          (u: uPlot) => {
            const el = box.current;
            if (!el) return;
            el.dataset['drawnAt'] = String(performance.now());
            el.dataset['points'] = String(u.data[0]?.length ?? 0);
          },
        ],
        ready: [(u: uPlot) => u.over.addEventListener('dblclick', () => out.current())],
      },
    };
    // Rebuilt when the channels, units or theme change (layoutKey sums up series), not on every refetch.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- series is read through layoutKey on purpose
  }, [layoutKey, height, palette]);

  const data = useMemo<uPlot.AlignedData>(() => {
    const j = joinSeries(series);
    return [j.x, ...j.ys] as uPlot.AlignedData;
  }, [series]);

  return (
    <div ref={box} className="explore-chart" data-testid="explore-chart">
      <UPlotChart options={options} data={data} />
    </div>
  );
}
