/**
 * Pure helpers of the explore page: explore series as columns, joining several
 * channels' downsampled columns onto one time axis for uPlot, and CSV of what is shown.
 */
import type {
  DownsampledSeries,
  ExploreComparison,
  ExploreResponse,
  ExploreSeries,
  ExploreTotals,
} from '../api/types.ts';
import type { Aggregation } from '../../../src/api/shapes/explore.ts';
import { type Resolution, resolutionFor } from '../../../src/util/time/index.ts';
import { COMPARISON_NAMES } from './range-query.ts';

export type { Aggregation };

/** Aggregations the user can pick (the explore route's `agg`); `auto` is min/max per pixel. */
export const AGGREGATIONS = [
  { id: 'auto', label: 'Auto (min/max per pixel)' },
  { id: 'raw', label: 'Raw' },
  { id: '1m', label: '1 min' },
  { id: '15m', label: '15 min' },
  { id: 'hour', label: 'Hour' },
  { id: 'day', label: 'Day' },
] as const satisfies readonly { id: Aggregation; label: string }[];

const DAY_MS = 86_400_000;

/** The aggregation that reads at the API's suggested resolution (months as days, widened by the API). */
const AGG_OF: Record<Resolution, Aggregation> = { minute: '1m', hour: 'hour', day: 'day', month: 'day' };

/** Longest span, in days, each aggregation is drawn for: beyond it a chart would hold far too many points. */
export const AGG_MAX_DAYS: Record<Aggregation, number> = {
  auto: Infinity,
  raw: 7,
  '1m': 7,
  '15m': 93,
  hour: 400,
  day: Infinity,
};

/** The aggregation the page reads at, and why it is not the one the link asked for. */
export interface AggChoice {
  agg: Aggregation;
  /** True when no aggregation was asked for and the suggested one applies. */
  suggested: boolean;
  problem?: string;
}

/**
 * The aggregation for a span: the one asked for when it is known and fits the span; else, for whole
 * days, the resolution the API suggests for their number, for a zoomed-in span `auto`.
 */
export function chooseAgg(asked: string | null | undefined, spanMs: number, wholeDays: boolean): AggChoice {
  const days = Math.ceil(spanMs / DAY_MS);
  const fallback: Aggregation = wholeDays ? AGG_OF[resolutionFor(days)] : 'auto';
  if (!asked) return { agg: fallback, suggested: true };
  const known = AGGREGATIONS.find((a) => a.id === asked);
  if (!known)
    return {
      agg: fallback,
      suggested: true,
      problem: `The link's 'agg' '${asked.slice(0, 20)}' is not one of ${AGGREGATIONS.map((a) => a.id).join(', ')}; showing '${fallback}'.`,
    };
  if (days > AGG_MAX_DAYS[known.id]) {
    const agg = fallback;
    return {
      agg,
      suggested: true,
      problem: `'${known.label}' over ${days.toLocaleString('en-US')} days is more points than a chart can show (at most ${AGG_MAX_DAYS[known.id]} days); showing '${agg}', the resolution for this span.`,
    };
  }
  return { agg: known.id, suggested: false };
}

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
  /** A comparison period's series: its times plus `offset` (ms) fall on the view it is compared with. */
  compared?: { cmp: 'prev' | 'year'; offset: number };
}

/** One channel's totals with its label. */
export interface LabelledTotals {
  channelId: string;
  label: string;
  totals: ExploreTotals;
}

/** What explore shows of one answer: series to draw (each comparison after its channel), totals, counts. */
export interface ExploreView {
  series: FetchedSeries[];
  comparison: ExploreComparison | null;
  totals: LabelledTotals[];
  /** Readings and buckets of the range itself (comparisons not counted). */
  readings: number;
  buckets: number;
}

/** Turns a `GET /explore` answer into what the page draws; `describe` names a channel and its unit. */
export function exploreView(
  res: Pick<ExploreResponse, 'series' | 'comparison'>,
  describe: (s: ExploreResponse['series'][number]) => { label: string; unit: string },
): ExploreView {
  const { comparison } = res;
  const series: FetchedSeries[] = [];
  const totals: LabelledTotals[] = [];
  let readings = 0;
  let buckets = 0;
  for (const s of res.series) {
    const { label, unit } = describe(s);
    const data = toColumns(s);
    for (const c of data.count) readings += c;
    buckets += data.ts.length;
    series.push({ channelId: s.channelId, label, unit, data });
    if (s.comparison && comparison)
      series.push({
        channelId: s.channelId,
        label: `${label} · ${COMPARISON_NAMES[comparison.cmp]}`,
        unit,
        data: toColumns({ channelId: s.channelId, ...s.comparison }),
        compared: { cmp: comparison.cmp, offset: comparison.offset },
      });
    if (s.totals) totals.push({ channelId: s.channelId, label, totals: s.totals });
  }
  return { series, comparison, totals, readings, buckets };
}

/**
 * Joins several series onto the union of their bucket times: x, then per series [mean, min, max].
 * A single series is passed through without copying work beyond the typed arrays.
 */
export function joinSeries(series: FetchedSeries[]): {
  x: Float64Array;
  ys: (Float64Array | (number | null)[])[];
} {
  const at = (s: FetchedSeries) => {
    const off = s.compared?.offset ?? 0;
    return off ? s.data.ts.map((t) => t + off) : s.data.ts;
  };
  if (series.length === 1) {
    const d = (series[0] as FetchedSeries).data;
    return {
      x: Float64Array.from(at(series[0] as FetchedSeries)),
      ys: [Float64Array.from(d.mean), Float64Array.from(d.min), Float64Array.from(d.max)],
    };
  }
  const xs = new Set<number>();
  const times = series.map(at);
  for (const ts of times) for (const t of ts) xs.add(t);
  const x = Float64Array.from([...xs].sort((a, b) => a - b));
  const index = new Map<number, number>();
  x.forEach((t, i) => index.set(t, i));
  const ys: (number | null)[][] = [];
  series.forEach((s, j) => {
    const ts = times[j] as number[];
    const mean = new Array<number | null>(x.length).fill(null);
    const min = new Array<number | null>(x.length).fill(null);
    const max = new Array<number | null>(x.length).fill(null);
    ts.forEach((t, i) => {
      const k = index.get(t) as number;
      mean[k] = s.data.mean[i] ?? null;
      min[k] = s.data.min[i] ?? null;
      max[k] = s.data.max[i] ?? null;
    });
    ys.push(mean, min, max);
  });
  return { x, ys };
}

/**
 * CSV of the shown series: one row per bucket and channel (ISO time, ms, channel, mean, min, max,
 * count); comparison periods are left out (their own range's export has them at their true times).
 */
export function toCsv(series: FetchedSeries[]): string {
  const lines = ['time,ts_ms,channel_id,unit,mean,min,max,count'];
  for (const s of series) {
    if (s.compared) continue;
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
