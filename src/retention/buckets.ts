/**
 * Chart buckets (min, max, mean, count per time bucket) computed where the store cannot: over
 * readings merged from the lake and the store, or the store's minute-row answer plus the lake's raw
 * readings of the minutes a bucket edge cuts. Bucket of x: floor((x - from) * buckets / span), the
 * stores' integer arithmetic.
 */
import type { ReadingBatch } from '../domain/types.ts';
import { type Downsampled, type ReadingColumns } from '../store/ports/readings.ts';
import { bucketQuery, cutMinutes, useMinutes, type BucketQuery } from '../store/readings-batch.ts';

/** A downsampling request as the caller gave it. */
export interface DownsampleArgs {
  from: number;
  to: number;
  buckets: number;
}

/** Per-bucket accumulators, dense over the request's buckets. */
interface Acc {
  q: BucketQuery;
  min: Float64Array;
  max: Float64Array;
  sum: Float64Array;
  count: Float64Array;
}

function accumulators(q: BucketQuery): Acc {
  return {
    q,
    min: new Float64Array(q.buckets).fill(Infinity),
    max: new Float64Array(q.buckets).fill(-Infinity),
    sum: new Float64Array(q.buckets),
    count: new Float64Array(q.buckets),
  };
}

/** The bucket of time `t` (exact: BigInt when the product leaves the safe integers). */
function bucketOf(q: BucketQuery, t: number): number {
  const d = t - q.from;
  const p = d * q.buckets;
  if (Number.isSafeInteger(p)) return Math.floor(p / q.span);
  return Number((BigInt(d) * BigInt(q.buckets)) / BigInt(q.span));
}

function add(a: Acc, t: number, v: number): void {
  if (t < a.q.from || t >= a.q.to) return;
  const k = bucketOf(a.q, t);
  if (v < (a.min[k] as number)) a.min[k] = v;
  if (v > (a.max[k] as number)) a.max[k] = v;
  a.sum[k] = (a.sum[k] as number) + v;
  a.count[k] = (a.count[k] as number) + 1;
}

/** The non-empty buckets, in time order, in the stores' form. */
function result(a: Acc): Downsampled {
  const { q } = a;
  const ks: number[] = [];
  for (let k = 0; k < q.buckets; k++) if ((a.count[k] as number) > 0) ks.push(k);
  return {
    ts: Float64Array.from(ks, (k) => q.from + (k * q.span) / q.buckets),
    min: Float64Array.from(ks, (k) => a.min[k] as number),
    max: Float64Array.from(ks, (k) => a.max[k] as number),
    mean: Float64Array.from(ks, (k) => (a.sum[k] as number) / (a.count[k] as number)),
    count: Uint32Array.from(ks, (k) => a.count[k] as number),
  };
}

/** Buckets of one channel's readings (merged from both tiers), computed here. */
export function bucketColumns(args: DownsampleArgs, cols: ReadingColumns): Downsampled {
  const a = accumulators(bucketQuery(args.from, args.to, args.buckets));
  for (let i = 0; i < cols.ts.length; i++) add(a, cols.ts[i] as number, cols.value[i] as number);
  return result(a);
}

/**
 * When the store's minute rows can answer (wide buckets, minute rows kept over the range): the cut
 * minutes below the boundary, whose raw readings the lake must add. Undefined: compute from raw.
 */
export function minutePlan(
  args: DownsampleArgs,
  lakeBefore: number,
  minutesKept: boolean,
): { cutBelow: number[] } | undefined {
  const q = bucketQuery(args.from, args.to, args.buckets);
  if (!minutesKept || !useMinutes(q)) return undefined;
  return { cutBelow: cutMinutes(q).filter((m) => m < lakeBefore) };
}

/**
 * The store's minute-row answer plus the lake's readings of the cut minutes (`cold`) that the store
 * does not hold any more (`hotBelow`: the store's raw readings below the boundary, already counted).
 */
export function combineBuckets(
  args: DownsampleArgs,
  stored: Downsampled,
  cold: ReadingBatch,
  hotBelow: ReadingColumns,
): Downsampled {
  const a = accumulators(bucketQuery(args.from, args.to, args.buckets));
  const { q } = a;
  for (let i = 0; i < stored.ts.length; i++) {
    const k = Math.round((((stored.ts[i] as number) - q.from) * q.buckets) / q.span);
    const n = stored.count[i] as number;
    a.min[k] = stored.min[i] as number;
    a.max[k] = stored.max[i] as number;
    a.sum[k] = (stored.mean[i] as number) * n;
    a.count[k] = n;
  }
  const held = new Set<number>(hotBelow.ts);
  for (let i = 0; i < cold.length; i++) {
    const t = cold.ts[i] as number;
    if (!held.has(t)) add(a, t, cold.value[i] as number);
  }
  return result(a);
}
