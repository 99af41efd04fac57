/**
 * Day buckets of the explore view in the facility's local time: each starts at local midnight, so a
 * day is 23 or 25 hours long at a daylight-saving change, like the batch layer's local-day rollups.
 * The store downsamples into equal buckets only; these are folded from buckets that divide every day.
 */
import type { Downsampled, ReadingRepo } from '../../store/ports/readings.ts';
import { localDays } from '../../util/time/index.ts';

const DAY_MS = 86_400_000;
// Steps that a local midnight can lie on (zone offsets are whole minutes), coarsest first.
const FINE_STEPS = [3_600_000, 900_000, 60_000] as const;
// At most this many fine buckets per downsample call, so that the store reads per-minute aggregates.
const CHUNK = 5000;

/**
 * Min, max, mean and count of a channel in buckets of `daysPerBucket` local days from the local day
 * holding `from` until the one holding `to - 1` (the last bucket is whole), `ts` each bucket's local
 * midnight. One downsample call when every bucket has the same length (a zone without daylight saving).
 */
export async function downsampleLocalDays(
  readings: ReadingRepo,
  channelId: string,
  q: { from: number; to: number; width: number; timeZone: string },
): Promise<{ data: Downsampled; daysPerBucket: number }> {
  const zone = localDays(q.timeZone);
  const first = zone.dayOf(q.from);
  const n = zone.dayOf(q.to - 1) - first + 1;
  const k = Math.ceil(n / q.width);
  const count = Math.ceil(n / k);
  const edges = Array.from({ length: count + 1 }, (_, i) => zone.startOf(first + i * k));
  const start = edges[0]!;
  const end = edges[count]!;
  if (edges.every((e, i) => e - start === i * k * DAY_MS))
    return { data: await readings.downsample(channelId, start, end, count), daysPerBucket: k };
  const step = FINE_STEPS.find((s) => edges.every((e) => (e - start) % s === 0)) ?? 60_000;
  const parts: Downsampled[] = [];
  for (let c = start; c < end; c += CHUNK * step) {
    const stop = Math.min(end, c + CHUNK * step);
    parts.push(await readings.downsample(channelId, c, stop, (stop - c) / step));
  }
  return { data: foldBuckets(parts, edges), daysPerBucket: k };
}

/** Folds time-ordered buckets into the buckets between consecutive `edges`, keeping those with readings. */
export function foldBuckets(parts: readonly Downsampled[], edges: readonly number[]): Downsampled {
  const n = edges.length - 1;
  const min = new Float64Array(n).fill(Infinity);
  const max = new Float64Array(n).fill(-Infinity);
  const sum = new Float64Array(n);
  const count = new Uint32Array(n);
  let g = 0;
  for (const p of parts) {
    for (let i = 0; i < p.ts.length; i++) {
      const t = p.ts[i]!;
      while (g < n - 1 && t >= edges[g + 1]!) g++;
      const c = p.count[i]!;
      min[g] = Math.min(min[g]!, p.min[i]!);
      max[g] = Math.max(max[g]!, p.max[i]!);
      sum[g] = sum[g]! + p.mean[i]! * c;
      count[g] = count[g]! + c;
    }
  }
  const kept = [...count.keys()].filter((i) => count[i]! > 0);
  return {
    ts: Float64Array.from(kept, (i) => edges[i]!),
    min: Float64Array.from(kept, (i) => min[i]!),
    max: Float64Array.from(kept, (i) => max[i]!),
    mean: Float64Array.from(kept, (i) => sum[i]! / count[i]!),
    count: Uint32Array.from(kept, (i) => count[i]!),
  };
}
