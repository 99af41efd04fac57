/**
 * Local hour-of-day and weekday for a run of UTC hours in an IANA time zone, from the time module's
 * offsets; results are cached per (zone, start, length) because a fleet shares a few zones.
 */
import { zoneOffsets } from '../util/time/index.ts';

/** Local calendar fields of consecutive UTC hours. */
export interface LocalHours {
  hourOfDay: Uint8Array;
  /** 0 = Monday .. 6 = Sunday. */
  weekday: Uint8Array;
}

const HOUR = 3_600_000;
/** Offset of `tz` from UTC at instant `ts`, in ms (local = utc + offset). */
export function zoneOffset(tz: string, ts: number): number {
  return zoneOffsets(tz)(ts);
}

/** Creates a cached calendar function; pass it around rather than sharing a global cache. */
export function createLocalCalendar(
  maxEntries = 64,
): (tz: string, start: number, hours: number) => LocalHours {
  const cache = new Map<string, LocalHours>();
  return (tz, start, hours) => {
    const key = `${tz}|${start}|${hours}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const result = computeLocalHours(tz, start, hours);
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
    cache.set(key, result);
    return result;
  };
}

function computeLocalHours(tz: string, start: number, hours: number): LocalHours {
  const offsetOf = zoneOffsets(tz);
  const hourOfDay = new Uint8Array(hours);
  const weekday = new Uint8Array(hours);
  for (let i = 0; i < hours; i++) {
    const t = start + i * HOUR;
    const d = new Date(t + offsetOf(t));
    hourOfDay[i] = d.getUTCHours();
    weekday[i] = (d.getUTCDay() + 6) % 7;
  }
  return { hourOfDay, weekday };
}
