/**
 * Explore buckets from the batch layer's hourly rollups: a year of one channel is 8,760 rollup rows
 * instead of half a million minute rows or millions of readings. Buckets are whole hours on the UTC
 * hour grid (a local hour starts on it in every zone with a whole-hour offset), `hours` per bucket so
 * that at most `width` cover the range. Per bucket: min and max of the readings (the rollups keep them
 * per hour), the number of readings, and the time-weighted mean power (energy over covered time,
 * what the meter's energy says); only power channels in W or kW qualify, whose rollup min/max are the
 * readings themselves times the unit factor.
 */
import type { Channel } from '../../domain/types.ts';
import type { Downsampled } from '../../store/ports/readings.ts';
import type { RollupRow } from '../../store/ports/rollups.ts';

/** One hour, ms. */
export const HOUR_MS = 3_600_000;

/** Bucket grid: `count` buckets of `hours` whole hours from `start` (a UTC hour). */
export interface HourGrid {
  start: number;
  hours: number;
  count: number;
}

/** The grid of at most `width` whole-hour buckets covering [from, to), widened to whole buckets. */
export function hourGrid(from: number, to: number, width: number): HourGrid {
  const start = Math.floor(from / HOUR_MS) * HOUR_MS;
  const spanHours = Math.max(1, Math.ceil((to - start) / HOUR_MS));
  const hours = Math.ceil(spanHours / width);
  return { start, hours, count: Math.ceil(spanHours / hours) };
}

/** End of a grid (exclusive). */
export const gridEnd = (g: HourGrid): number => g.start + g.count * g.hours * HOUR_MS;

/** The factor from the channel's unit to the rollups' W, or undefined when rollups cannot serve it. */
export function rollupFactor(channel: Pick<Channel, 'measurement' | 'unit'>): number | undefined {
  if (channel.measurement !== 'power') return undefined;
  if (channel.unit === 'W') return 1;
  if (channel.unit === 'kW') return 1000;
  return undefined;
}

/** True when every row starts on the UTC hour grid (not so in zones offset by half an hour). */
export function onHourGrid(rows: readonly RollupRow[]): boolean {
  return rows.every((r) => r.start % HOUR_MS === 0);
}

/**
 * Folds hourly rollup rows of one channel (ordered by start, inside the grid) into the grid's
 * buckets, in the channel's unit (`factor` from {@link rollupFactor}). Buckets without readings are
 * left out, as the store's downsampling does.
 */
export function foldHours(rows: readonly RollupRow[], grid: HourGrid, factor: number): Downsampled {
  const n = grid.count;
  const bucketMs = grid.hours * HOUR_MS;
  const min = new Float64Array(n).fill(Infinity);
  const max = new Float64Array(n).fill(-Infinity);
  const energy = new Float64Array(n);
  const covered = new Float64Array(n);
  const count = new Uint32Array(n);
  for (const r of rows) {
    const i = Math.floor((r.start - grid.start) / bucketMs);
    if (i < 0 || i >= n || r.samples === 0) continue;
    count[i]! += r.samples;
    if (r.minPower !== null && r.minPower < min[i]!) min[i] = r.minPower;
    if (r.maxPower !== null && r.maxPower > max[i]!) max[i] = r.maxPower;
    energy[i]! += r.energy;
    // Covered time from the exact mean (energy x 1 h / covered); the coverage fraction is capped at 1.
    covered[i]! += r.meanPower ? (r.energy * HOUR_MS) / r.meanPower : r.coverage * HOUR_MS;
  }
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (count[i]! > 0) keep.push(i);
  const pick = (f: (i: number) => number) => Float64Array.from(keep, f);
  return {
    ts: pick((i) => grid.start + i * bucketMs),
    min: pick((i) => min[i]! / factor),
    max: pick((i) => max[i]! / factor),
    // No covered time (readings isolated by gaps): the middle of the range the readings span.
    mean: pick((i) =>
      covered[i]! > 0 ? (energy[i]! * HOUR_MS) / covered[i]! / factor : (min[i]! + max[i]!) / 2 / factor,
    ),
    count: Uint32Array.from(keep, (i) => count[i]!),
  };
}

/** Buckets of `a` then of `b` (b starting after a's last). */
export function concatDownsampled(a: Downsampled, b: Downsampled): Downsampled {
  const cat = (x: Float64Array, y: Float64Array) => {
    const out = new Float64Array(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  const count = new Uint32Array(a.count.length + b.count.length);
  count.set(a.count);
  count.set(b.count, a.count.length);
  return {
    ts: cat(a.ts, b.ts),
    min: cat(a.min, b.min),
    max: cat(a.max, b.max),
    mean: cat(a.mean, b.mean),
    count,
  };
}
