/**
 * Pure helpers of the explore page: explore series as columns, joining several
 * channels' downsampled columns onto one time axis for uPlot, and CSV of what is shown.
 */
import type { DownsampledSeries, ExploreSeries } from '../api/types.ts';

/** Aggregations the user can pick (the explore route's `agg`); `auto` is min/max per pixel. */
export const AGGREGATIONS = [
  { id: 'auto', label: 'Auto (min/max per pixel)' },
  { id: 'raw', label: 'Raw' },
  { id: '1m', label: '1 min' },
  { id: '15m', label: '15 min' },
  { id: 'hour', label: 'Hour' },
  { id: 'day', label: 'Day' },
] as const;
/** An aggregation id. */
export type Aggregation = (typeof AGGREGATIONS)[number]['id'];

/** Columns of one explore series: raw points become buckets of one reading (min = max = mean). */
export function toColumns(s: ExploreSeries): DownsampledSeries {
  if (!s.raw) return { ts: s.ts, min: s.min, max: s.max, mean: s.mean, count: s.count };
  return {
    ts: s.ts,
    min: s.value,
    max: s.value,
    mean: s.value,
    count: new Array<number>(s.ts.length).fill(1),
  };
}

/** One channel's fetched series. */
export interface FetchedSeries {
  channelId: string;
  label: string;
  unit: string;
  data: DownsampledSeries;
}

/**
 * Joins several series onto the union of their bucket times: x, then per series [mean, min, max].
 * A single series is passed through without copying work beyond the typed arrays.
 */
export function joinSeries(series: FetchedSeries[]): {
  x: Float64Array;
  ys: (Float64Array | (number | null)[])[];
} {
  if (series.length === 1) {
    const d = (series[0] as FetchedSeries).data;
    return {
      x: Float64Array.from(d.ts),
      ys: [Float64Array.from(d.mean), Float64Array.from(d.min), Float64Array.from(d.max)],
    };
  }
  const xs = new Set<number>();
  for (const s of series) for (const t of s.data.ts) xs.add(t);
  const x = Float64Array.from([...xs].sort((a, b) => a - b));
  const index = new Map<number, number>();
  x.forEach((t, i) => index.set(t, i));
  const ys: (number | null)[][] = [];
  for (const s of series) {
    const mean = new Array<number | null>(x.length).fill(null);
    const min = new Array<number | null>(x.length).fill(null);
    const max = new Array<number | null>(x.length).fill(null);
    s.data.ts.forEach((t, i) => {
      const k = index.get(t) as number;
      mean[k] = s.data.mean[i] ?? null;
      min[k] = s.data.min[i] ?? null;
      max[k] = s.data.max[i] ?? null;
    });
    ys.push(mean, min, max);
  }
  return { x, ys };
}

/** CSV of the shown series: one row per bucket and channel (ISO time, ms, channel, mean, min, max, count). */
export function toCsv(series: FetchedSeries[]): string {
  const lines = ['time,ts_ms,channel_id,unit,mean,min,max,count'];
  for (const s of series) {
    const d = s.data;
    for (let i = 0; i < d.ts.length; i++) {
      const t = d.ts[i] as number;
      lines.push(
        `${new Date(t).toISOString()},${t},${s.channelId},${s.unit},${d.mean[i]},${d.min[i]},${d.max[i]},${d.count[i]}`,
      );
    }
  }
  return lines.join('\n') + '\n';
}
