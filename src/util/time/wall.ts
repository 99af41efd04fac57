/**
 * Local wall-clock times to UTC instants: the rules for a local time that does not exist (skipped when
 * clocks go forward) or exists twice (repeated when they go back), in one place. A wall time is given
 * as "local epoch ms": `Date.UTC` of its fields, as if the zone were UTC.
 */
import type { OffsetAt } from './offsets.ts';

const DAY = 86_400_000;

/**
 * What to do with a skipped or repeated local time, as Temporal names it:
 * - `earlier` / `later`: the first / second of two instants; in a gap, the wall time moved back /
 *   forward by the gap's length;
 * - `compatible`: `earlier` when repeated, `later` when skipped (what Date and most software do);
 * - `reject`: NaN for both.
 */
export type Disambiguation = 'earlier' | 'later' | 'compatible' | 'reject';

/** The instants showing a wall time: `early === late` when it is unique, both NaN in a gap. */
export interface WallInstants {
  early: number;
  late: number;
  /** Offsets before and after the nearest change (equal where none is within a day). */
  offsetBefore: number;
  offsetAfter: number;
}

/** Every instant at which the zone's clocks show `wall`. Assumes at most one change within a day of it. */
export function wallInstants(offsetAt: OffsetAt, wall: number): WallInstants {
  const before = offsetAt(wall - DAY);
  const after = offsetAt(wall + DAY);
  const fits = (o: number) => offsetAt(wall - o) === o;
  const a = fits(before);
  const b = before !== after && fits(after);
  // The larger offset gives the earlier instant.
  const early = a && b ? wall - Math.max(before, after) : a ? wall - before : b ? wall - after : NaN;
  const late = a && b ? wall - Math.min(before, after) : early;
  return { early, late, offsetBefore: before, offsetAfter: after };
}

/** The UTC instant of `wall` under `rule`; NaN for a skipped time under `reject`. */
export function wallToUtc(offsetAt: OffsetAt, wall: number, rule: Disambiguation = 'compatible'): number {
  const w = wallInstants(offsetAt, wall);
  if (!Number.isNaN(w.early))
    return rule === 'later' ? w.late : rule === 'reject' && w.early !== w.late ? NaN : w.early;
  if (rule === 'reject') return NaN;
  // In a gap: forward reads the wall time with the offset before the change, back with the one after.
  return rule === 'earlier' ? wall - w.offsetAfter : wall - w.offsetBefore;
}

/** Local epoch ms of a `YYYY-MM-DDTHH:MM[:SS[.fff]]` or `YYYY-MM-DD` text, or NaN when it is not one. */
export function parseWall(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/.exec(
    text.trim(),
  );
  if (!m) return NaN;
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0] = m.slice(1, 7).map((x): number => Number(x ?? 0));
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return NaN;
  if (d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return NaN;
  return Date.UTC(y, mo - 1, d, h, mi, s) + Number((m[7] ?? '0').padEnd(3, '0'));
}
