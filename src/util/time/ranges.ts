/**
 * Date ranges a user picks (issue 16, item 4): presets in the facility's local calendar, the period to
 * compare with (the one before, or the same one a year earlier), the resolution a chart of the range
 * reads at, and the URL form `?from=2026-11-01&to=2026-11-30&cmp=prev|year`. Ranges are whole local
 * days, `to` included, so a shared link means the same days in every browser.
 */
import { addDays, addMonths, dayLabel, dayNumber, daysInMonth } from './labels.ts';
import type { LocalDays } from './days.ts';
import { parseWall, wallToUtc } from './wall.ts';

/** The presets a range picker offers, in its order. */
export const RANGE_PRESETS = [
  'today',
  'yesterday',
  'last-7-days',
  'last-30-days',
  'this-month',
  'last-month',
  'this-year',
  'last-year',
] as const;
/** A preset range. */
export type RangePreset = (typeof RANGE_PRESETS)[number];

/** What a range is compared with: the period before it, or the same period a year earlier. */
export const COMPARISONS = ['prev', 'year'] as const;
/** A comparison. */
export type Comparison = (typeof COMPARISONS)[number];

/** Local dates `YYYY-MM-DD`, both included. */
export interface DateRange {
  from: string;
  to: string;
}

/** Longest range accepted, in days (ten years and leap days). */
export const MAX_RANGE_DAYS = 3660;

/** The dates of a preset, for the local date `today`. */
export function presetRange(preset: RangePreset, today: string): DateRange {
  const month = today.slice(0, 7);
  const year = today.slice(0, 4);
  switch (preset) {
    case 'today':
      return { from: today, to: today };
    case 'yesterday':
      return { from: addDays(today, -1), to: addDays(today, -1) };
    case 'last-7-days':
      return { from: addDays(today, -6), to: today };
    case 'last-30-days':
      return { from: addDays(today, -29), to: today };
    case 'this-month':
      return { from: `${month}-01`, to: today };
    case 'last-month': {
      const first = addMonths(`${month}-01`, -1);
      return { from: first, to: addDays(`${month}-01`, -1) };
    }
    case 'this-year':
      return { from: `${year}-01-01`, to: today };
    case 'last-year':
      return { from: `${Number(year) - 1}-01-01`, to: `${Number(year) - 1}-12-31` };
  }
}

/** Days in a range, both ends included. */
export function rangeDays(r: DateRange): number {
  return dayNumber(r.to) - dayNumber(r.from) + 1;
}

const isMonthStart = (d: string) => d.endsWith('-01');
const isMonthEnd = (d: string) => Number(d.slice(8, 10)) === daysInMonth(d.slice(0, 7));

/**
 * The period a range is compared with. `year`: the same dates a year earlier (29 February becomes the
 * 28th). `prev`: whole months compare with as many whole months before (November with October, not
 * with the 30 days before it); any other range with as many days ending the day before.
 */
export function comparisonRange(r: DateRange, cmp: Comparison): DateRange {
  if (cmp === 'year') return { from: addMonths(r.from, -12), to: addMonths(r.to, -12) };
  if (isMonthStart(r.from) && isMonthEnd(r.to)) {
    const months =
      (Number(r.to.slice(0, 4)) - Number(r.from.slice(0, 4))) * 12 +
      Number(r.to.slice(5, 7)) -
      Number(r.from.slice(5, 7)) +
      1;
    return { from: addMonths(r.from, -months), to: addDays(r.from, -1) };
  }
  return { from: addDays(r.from, -rangeDays(r)), to: addDays(r.from, -1) };
}

/** The UTC instants `[from, to)` of a range in a zone: local midnight of `from` to that after `to`. */
export function rangeInstants(r: DateRange, days: Pick<LocalDays, 'startOf'>): { from: number; to: number } {
  return { from: days.startOf(dayNumber(r.from)), to: days.startOf(dayNumber(r.to) + 1) };
}

/** A `[from, to)` span of UTC instants and the one it is compared with, `offset` = `from - cmp.from`. */
export interface ComparedSpan {
  from: number;
  to: number;
  offset: number;
}

const DAY_MS = 86_400_000;

/**
 * The instants a span `[from, to)` is compared with, in the local calendar of `days`. A span of whole
 * local days (both ends at a day's start) compares as {@link comparisonRange} says (November with
 * October); any other span (a zoomed-in view) with the same wall-clock times a year earlier (`year`)
 * or the span of the same length just before it (`prev`).
 */
export function comparisonInstants(
  from: number,
  to: number,
  cmp: Comparison,
  days: Pick<LocalDays, 'dayOf' | 'startOf' | 'offsetAt'>,
): ComparedSpan {
  const first = days.dayOf(from);
  const end = days.dayOf(to);
  if (days.startOf(first) === from && days.startOf(end) === to && end > first) {
    const r = comparisonRange({ from: dayLabel(first), to: dayLabel(end - 1) }, cmp);
    const c = rangeInstants(r, days);
    return { ...c, offset: from - c.from };
  }
  if (cmp === 'prev') return { from: from - (to - from), to: from, offset: to - from };
  const yearEarlier = (t: number) => {
    const wall = t + days.offsetAt(t);
    const day = Math.floor(wall / DAY_MS);
    const shifted = dayNumber(addMonths(dayLabel(day), -12)) * DAY_MS + (wall - day * DAY_MS);
    return wallToUtc(days.offsetAt, shifted, 'earlier');
  };
  const f = yearEarlier(from);
  return { from: f, to: yearEarlier(to), offset: from - f };
}

/** Resolutions a chart of a range reads at. */
export const RESOLUTIONS = ['minute', 'hour', 'day', 'month'] as const;
/** A resolution. */
export type Resolution = (typeof RESOLUTIONS)[number];

/**
 * The resolution for a range: minutes for a day or two (up to 2,880 points), hours up to a month
 * (744), days up to a year and a bit (400), months beyond; each keeps a chart between a few dozen and
 * a few thousand points.
 */
export function resolutionFor(days: number): Resolution {
  if (days <= 2) return 'minute';
  if (days <= 31) return 'hour';
  if (days <= 400) return 'day';
  return 'month';
}

/** A range read from URL or query parameters, or the first problem found, naming its field. */
export type ParsedRange =
  | { ok: true; range: DateRange; cmp: Comparison | undefined }
  | { ok: false; field: 'from' | 'to' | 'cmp'; message: string };

// The years the readings may have (ingest's TS_MIN and TS_MAX).
const isDate = (s: string) => /^(19[7-9]\d|20\d\d)-\d{2}-\d{2}$/.test(s) && !Number.isNaN(parseWall(s));

/** Checks `from`, `to` (local dates, `to` included) and `cmp` as the URL and the API take them. */
export function parseRangeParams(q: {
  from?: string | null;
  to?: string | null;
  cmp?: string | null;
}): ParsedRange {
  const from = q.from?.trim() ?? '';
  const to = q.to?.trim() ?? '';
  if (!isDate(from))
    return {
      ok: false,
      field: 'from',
      message: `expected a date YYYY-MM-DD from 1970 to 2099, got '${from}'`,
    };
  if (!isDate(to))
    return { ok: false, field: 'to', message: `expected a date YYYY-MM-DD from 1970 to 2099, got '${to}'` };
  if (to < from)
    return { ok: false, field: 'to', message: `'to' (${to}) must not be before 'from' (${from})` };
  if (rangeDays({ from, to }) > MAX_RANGE_DAYS)
    return { ok: false, field: 'to', message: `the range may span at most ${MAX_RANGE_DAYS} days` };
  const c = q.cmp?.trim() || undefined;
  if (c !== undefined && !COMPARISONS.includes(c as Comparison))
    return { ok: false, field: 'cmp', message: `expected one of ${COMPARISONS.join(', ')}, got '${c}'` };
  return { ok: true, range: { from, to }, cmp: c as Comparison | undefined };
}

/** The change from `prev` to `now` in the unit of both and in % of `prev` (null without a base). */
export function periodDelta(now: number, prev: number): { delta: number; percent: number | null } {
  return { delta: now - prev, percent: prev > 0 ? ((now - prev) / prev) * 100 : null };
}
