/**
 * The one place the web app reads and writes a time range in the URL (issue 16, item 4), used by the
 * facility page's range card and by explore: `?from=2026-11-01&to=2026-11-30&cmp=prev|year`, whole
 * local days with `to` included, so a pasted link reopens the same view. Explore also keeps a zoomed-in
 * span as UTC milliseconds (`?from=1768478430000&to=1768482030000`), as its links always did. The
 * calendar arithmetic (presets, comparisons, checks) is the time module's, shared with the API.
 */
import {
  type Comparison,
  COMPARISONS,
  type DateRange,
  localDays,
  parseRangeParams,
  presetRange,
  RANGE_PRESETS,
  type RangePreset,
  rangeDays,
  rangeInstants,
} from '../../../src/util/time/index.ts';

const zoneDays = new Map<string, ReturnType<typeof localDays>>();
/** The zone's local days, built once per zone (each build reads the zone's rules). */
function daysOf(zone: string) {
  let d = zoneDays.get(zone);
  if (!d) zoneDays.set(zone, (d = localDays(zone)));
  return d;
}

export {
  parseRangeParams,
  RANGE_PRESETS,
  presetRange,
  rangeDays,
  type Comparison,
  type DateRange,
  type RangePreset,
};

/** What the preset picker calls each preset. */
export const PRESET_NAMES: Record<RangePreset, string> = {
  today: 'Today',
  yesterday: 'Yesterday',
  'last-7-days': 'Last 7 days',
  'last-30-days': 'Last 30 days',
  'this-month': 'This month',
  'last-month': 'Last month',
  'this-year': 'This year',
  'last-year': 'Last year',
};

/** What the comparison picker calls each comparison. */
export const COMPARISON_NAMES: Record<Comparison, string> = {
  prev: 'the period before',
  year: 'a year earlier',
};

/** A range in the URL: whole local days, or (explore zoomed in) a span of UTC ms, `to` excluded. */
export type UrlRange = { kind: 'days'; days: DateRange } | { kind: 'span'; from: number; to: number };

/** A problem with a URL parameter, naming it: shown to the user, never a blank view. */
export interface RangeProblem {
  field: 'from' | 'to' | 'cmp';
  message: string;
}

/** The range and comparison a URL asks for; `range` undefined when it names none or a bad one. */
export interface RangeQuery {
  range: UrlRange | undefined;
  cmp: Comparison | undefined;
  problem: RangeProblem | undefined;
}

// The years the readings may have (the API's and the ingest's bounds).
const MS_MIN = 0;
const MS_MAX = Date.UTC(2100, 0, 1);
const isMs = (s: string) => /^\d{1,15}$/.test(s);

function readSpan(from: string, to: string, cmp: string | undefined): RangeQuery {
  const f = Number(from);
  const t = Number(to);
  const none = { range: undefined, cmp: undefined };
  for (const [field, v] of [
    ['from', f],
    ['to', t],
  ] as const)
    if (v < MS_MIN || v >= MS_MAX)
      return { ...none, problem: { field, message: `${v} is outside 1970 to 2099 (UTC milliseconds)` } };
  if (t <= f) return { ...none, problem: { field: 'to', message: `'to' must be after 'from'` } };
  if (cmp !== undefined && !COMPARISONS.includes(cmp as Comparison))
    return {
      ...none,
      problem: { field: 'cmp', message: `expected one of ${COMPARISONS.join(', ')}, got '${cmp}'` },
    };
  return { range: { kind: 'span', from: f, to: t }, cmp: cmp as Comparison | undefined, problem: undefined };
}

/**
 * Reads `from`, `to` and `cmp`. Local dates always; UTC ms too when `spans` (explore). Nothing given
 * is no range and no problem; anything wrong (garbage, `from` after `to`, over ten years, an unknown
 * comparison) is no range and a problem naming its field.
 */
export function readRangeQuery(query: URLSearchParams, opts: { spans?: boolean } = {}): RangeQuery {
  const from = query.get('from')?.trim();
  const to = query.get('to')?.trim();
  const cmp = query.get('cmp')?.trim() || undefined;
  if (!from && !to) return { range: undefined, cmp: undefined, problem: undefined };
  if (opts.spans && from && to && isMs(from) && isMs(to)) return readSpan(from, to, cmp);
  const p = parseRangeParams({ from, to, cmp });
  if (!p.ok) return { range: undefined, cmp: undefined, problem: { field: p.field, message: p.message } };
  return { range: { kind: 'days', days: p.range }, cmp: p.cmp, problem: undefined };
}

/** The query string with `range` and `cmp` set (other parameters kept), for `navigate`. */
export function writeRangeQuery(
  query: URLSearchParams,
  range: UrlRange,
  cmp: Comparison | undefined,
): string {
  const q = new URLSearchParams(query);
  q.set('from', range.kind === 'days' ? range.days.from : String(Math.floor(range.from)));
  q.set('to', range.kind === 'days' ? range.days.to : String(Math.ceil(range.to)));
  if (cmp) q.set('cmp', cmp);
  else q.delete('cmp');
  return q.toString();
}

/** The preset that gives exactly `days` on `today`, if any. */
export function presetOf(days: DateRange, today: string): RangePreset | undefined {
  return RANGE_PRESETS.find((p) => {
    const r = presetRange(p, today);
    return r.from === days.from && r.to === days.to;
  });
}

/** The UTC span `[from, to)` of a URL range, local days read in `zone`. */
export function rangeSpan(range: UrlRange, zone: string): { from: number; to: number } {
  return range.kind === 'span' ? range : rangeInstants(range.days, daysOf(zone));
}

/** The local dates a span touches in `zone` (the last millisecond's day as `to`). */
export function spanDates(span: { from: number; to: number }, zone: string): DateRange {
  const days = daysOf(zone);
  return { from: days.dateOf(span.from), to: days.dateOf(span.to - 1) };
}

/** The sentence that says what was wrong with a link and what is shown instead. */
export function problemText(p: RangeProblem, instead: string): string {
  return `The link's '${p.field}' is not usable: ${p.message}. Showing ${instead} instead.`;
}

/** An energy figure: Wh as kWh with one decimal (`1,234.5 kWh`), other units as they are. */
export function fmtEnergy(value: number, unit: string | null): string {
  if (unit === 'Wh' || unit === null)
    return `${(value / 1000).toLocaleString('en-US', { maximumFractionDigits: 1 })} kWh`;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: 1 })} ${unit}`;
}

/** A change in the unit and in %: `+1.0 kWh (+0.6 %)`; `no earlier data` for the % without a base. */
export function fmtChange(delta: number, percent: number | null, unit: string | null): string {
  const sign = delta > 0 ? '+' : delta < 0 ? '−' : '±';
  const pct = percent === null ? 'no earlier data' : `${sign}${Math.abs(percent).toFixed(1)} %`;
  return `${sign}${fmtEnergy(Math.abs(delta), unit)} (${pct})`;
}
