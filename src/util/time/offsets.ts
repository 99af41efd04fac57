/**
 * Zone offsets (local minus UTC, ms) at UTC instants. Temporal gives each offset with the span of time
 * it holds for (from one transition to the next); a zone's function keeps those spans, so a hot loop
 * (an import reading millions of local times) asks the library about twice a year of data and
 * otherwise compares two numbers.
 */
import { Temporal } from './temporal.ts';

/** Local minus UTC (ms) at a UTC instant (ms) in one zone. */
export type OffsetAt = (utc: number) => number;

interface Span {
  lo: number;
  hi: number;
  offset: number;
}

/**
 * Checks that `zone` is an IANA time-zone name this runtime knows (`Europe/London`, `UTC`). Offsets
 * such as `+01:00` are refused: the stores compute local days in SQL and take names only.
 */
export function isTimeZone(zone: string): boolean {
  if (!/^[A-Za-z]/.test(zone)) return false;
  try {
    Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(zone);
    return true;
  } catch {
    return false;
  }
}

function spanAt(zone: string, utc: number): Span {
  const ms = Math.floor(utc);
  const here = Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone);
  // 'previous' looks strictly before its instant: from ms + 1 it finds a transition at ms itself.
  const prev = Temporal.Instant.fromEpochMilliseconds(ms + 1)
    .toZonedDateTimeISO(zone)
    .getTimeZoneTransition('previous');
  const next = here.getTimeZoneTransition('next');
  return {
    lo: prev?.epochMilliseconds ?? -Infinity,
    hi: next?.epochMilliseconds ?? Infinity,
    offset: here.offsetNanoseconds / 1e6,
  };
}

/** The offset function of `zone`; build it once per zone and keep it. Throws RangeError for an unknown zone. */
export function zoneOffsets(zone: string): OffsetAt {
  if (!isTimeZone(zone)) throw new RangeError(`unknown time zone '${zone}'`);
  const spans: Span[] = []; // disjoint, sorted by lo
  let last: Span = { lo: Infinity, hi: -Infinity, offset: 0 };
  const find = (utc: number): Span => {
    let a = 0;
    let b = spans.length;
    while (a < b) {
      const m = (a + b) >> 1;
      if (spans[m]!.hi <= utc) a = m + 1;
      else b = m;
    }
    const s = spans[a];
    if (s && s.lo <= utc) return s;
    const fresh = spanAt(zone, utc);
    spans.splice(a, 0, fresh);
    return fresh;
  };
  return (utc) => {
    if (utc >= last.lo && utc < last.hi) return last.offset;
    if (Number.isNaN(utc)) throw new RangeError('invalid time value');
    last = find(utc);
    return last.offset;
  };
}
