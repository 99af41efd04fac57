/**
 * Today, the last 7 days and this month to date, each against the period before cut at the same
 * local time: at 14:05 today is compared with yesterday until 14:05, not with all of yesterday (which
 * read as "-63 % vs yesterday" every morning). Days are the facility's local days; the previous
 * period's last, partial day comes from hourly rollups (the hour containing the cut taken pro rata),
 * or, where those are not loaded, from the day's energy times the share of the day elapsed.
 */
import { fromWallInput } from './time-zone.ts';
import { daysInMonth, wallClock as zoneWallClock } from '../../../src/util/time/index.ts';
import { addDays, energyByLabel, type LabelledEnergy, prevMonth } from './periods.ts';

const HOUR = 3_600_000;

/** Energy of a period so far and of the period before up to the same point. */
export interface SameTimeComparison {
  now: number;
  prev: number;
  /** How the change reads for a user of energy: less is good, more is bad, within ±5 % the same. */
  tone: ChangeTone;
}

/** The meaning of a change in energy use. */
export type ChangeTone = 'less' | 'more' | 'same' | 'none';

/** Changes smaller than this share of the earlier value read as "about the same". */
export const SAME_BAND = 0.05;

/** The tone of a change from `prev` to `now`; `none` without an earlier value to compare with. */
export function changeTone(now: number, prev: number): ChangeTone {
  if (!Number.isFinite(prev) || prev <= 0 || !Number.isFinite(now)) return 'none';
  const r = (now - prev) / prev;
  return Math.abs(r) < SAME_BAND ? 'same' : r < 0 ? 'less' : 'more';
}

/** Inputs of {@link sameTimeComparisons}. */
export interface ComparisonInput {
  /** Daily electric energy, labelled with the facility's local dates. */
  days: LabelledEnergy[];
  /** Hourly electric energy with its UTC start (at least the last 8 days). */
  hours: { start: number; energy: number }[];
  now: number;
  /** The facility's IANA zone: its local days and times. */
  zone: string;
}

/** Day, week and month so far against the period before, cut at the same local time. */
export function sameTimeComparisons(input: ComparisonInput): {
  day: SameTimeComparison;
  week: SameTimeComparison;
  month: SameTimeComparison;
} {
  const { now, zone } = input;
  const by = energyByLabel(input.days);
  const wall = wallClock(now, zone);
  const today = wall.date;
  const partial = (label: string) => partialDay(label, wall.time, by.get(label) ?? 0, input.hours, zone);
  const sum = (labels: string[]) => labels.reduce((s, l) => s + (by.get(l) ?? 0), 0);
  const range = (end: string, n: number) => Array.from({ length: n }, (_, i) => addDays(end, -i));

  const dayNow = by.get(today) ?? 0;
  const dayPrev = partial(addDays(today, -1));
  const weekNow = sum(range(today, 7));
  const weekPrev = sum(range(addDays(today, -8), 6)) + partial(addDays(today, -7));
  const dom = Number(today.slice(8, 10));
  const pm = prevMonth(today.slice(0, 7));
  const pmDays = daysInMonth(pm);
  const monthNow = sum(range(today, dom));
  // A day of this month that last month lacks (the 31st after a 30-day month) compares with all of it.
  const monthPrev =
    dom > pmDays
      ? sum(range(`${pm}-${String(pmDays).padStart(2, '0')}`, pmDays))
      : sum(range(`${pm}-${String(dom).padStart(2, '0')}`, dom).slice(1)) +
        partial(`${pm}-${String(dom).padStart(2, '0')}`);
  const cmp = (n: number, p: number): SameTimeComparison => ({ now: n, prev: p, tone: changeTone(n, p) });
  return { day: cmp(dayNow, dayPrev), week: cmp(weekNow, weekPrev), month: cmp(monthNow, monthPrev) };
}

/** The local date and wall-clock time (`HH:MM:SS`) of an instant in a zone. */
export function wallClock(ms: number, zone: string): { date: string; time: string } {
  const clock = zoneWallClock(zone);
  return { date: clock.date(ms), time: clock.time(ms) };
}

/** Energy of local day `label` from its midnight until `time` on it (DST-aware instants). */
function partialDay(
  label: string,
  time: string,
  dayEnergy: number,
  hours: { start: number; energy: number }[],
  zone: string,
): number {
  const start = fromWallInput(`${label}T00:00:00`, zone);
  const end = fromWallInput(`${addDays(label, 1)}T00:00:00`, zone);
  const cut = Math.min(end, fromWallInput(`${label}T${time}`, zone));
  const inDay = hours.filter((h) => h.start >= start && h.start < end);
  if (inDay.length === 0) return dayEnergy * Math.max(0, Math.min(1, (cut - start) / (end - start)));
  let e = 0;
  for (const h of inDay) {
    if (h.start + HOUR <= cut) e += h.energy;
    else if (h.start < cut) e += (h.energy * (cut - h.start)) / HOUR;
  }
  return e;
}
