/**
 * Per-UTC-day, per-step lookup tables shared by every meter of a fleet (one time zone): local hour
 * and weekday of each sample, outdoor temperature and the households' seasonal factor. Computing
 * them once per day keeps the per-reading loop to a few array reads.
 */
import type { Calendar } from './calendar.ts';
import { DAY_MS, HOUR_MS, dayOfYear, weekday as weekdayOf } from './calendar.ts';
import type { Climate } from './climate.ts';

/** Lookup tables of one UTC day at one sampling step. */
export interface DayFrame {
  /** UTC day number (days since 1970-01-01). */
  day: number;
  /** UTC ms of the day's first sample. */
  t0: number;
  stepMs: number;
  /** Local hour (0..23) per sample. */
  hour: Uint8Array;
  /** Local weekday (0 = Sunday) per sample. */
  weekday: Uint8Array;
  /** Outdoor temperature per sample, deg C. */
  temp: Float32Array;
  /** Seasonal factor of interval households for this day (mean 1 over a year). */
  householdSeason: number;
}

/** Builds and caches {@link DayFrame}s. */
export function createFrames(
  calendar: Calendar,
  climate: Climate,
  seasonality: number,
): (day: number, stepMs: number) => DayFrame {
  const cache = new Map<string, DayFrame>();
  return (day, stepMs) => {
    const key = `${day}:${stepMs}`;
    let f = cache.get(key);
    if (f) return f;
    const n = DAY_MS / stepMs;
    const t0 = day * DAY_MS;
    const hour = new Uint8Array(n);
    const weekday = new Uint8Array(n);
    const temp = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const t = t0 + i * stepMs;
      const local = t + calendar.offsetAt(t);
      const h = Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
      hour[i] = h;
      weekday[i] = weekdayOf(Math.floor(local / DAY_MS));
      temp[i] = climate.tempAt(t, h + 0.5);
    }
    // Two peaks a year (winter heating, summer cooling), around 20 January and 21 July.
    const householdSeason =
      1 + seasonality * Math.cos((4 * Math.PI * (dayOfYear(t0 + DAY_MS / 2) - 20)) / 365.25);
    f = { day, t0, stepMs, hour, weekday, temp, householdSeason };
    if (cache.size > 64) cache.clear();
    cache.set(key, f);
    return f;
  };
}
