/**
 * What the lake lacks of a store slice: the store's readings (one organisation, one UTC day) that the
 * lake does not hold, and those it holds with another value or quality (a conflict: the lake keeps
 * its first written, so such a day is left in the store rather than change what readers see).
 */
import type { ReadingBatch } from '../domain/types.ts';

/** The result of {@link lakeDiff}. */
export interface LakeDiff {
  /** The store's readings missing from the lake, as a batch over the store's channel ids. */
  missing: ReadingBatch;
  /** A reading the lake holds differently, if any (the first found). */
  conflict: { channelId: string; ts: number } | undefined;
  conflicts: number;
}

/** Index ranges [start, end) of each channel's run in a batch ordered by channel and time. */
function runs(b: ReadingBatch): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  let i = 0;
  while (i < b.length) {
    const c = b.channel[i] as number;
    let j = i + 1;
    while (j < b.length && b.channel[j] === c) j++;
    out.set(b.channelIds[c] as string, [i, j]);
    i = j;
  }
  return out;
}

/** Compares a store slice with the lake's readings of the same range (both ordered by channel and time). */
export function lakeDiff(store: ReadingBatch, lake: ReadingBatch): LakeDiff {
  const cold = runs(lake);
  const keep: number[] = [];
  let conflict: LakeDiff['conflict'];
  let conflicts = 0;
  for (const [id, [s0, s1]] of runs(store)) {
    const [l0, l1] = cold.get(id) ?? [0, 0];
    let j = l0;
    for (let i = s0; i < s1; i++) {
      const t = store.ts[i] as number;
      while (j < l1 && (lake.ts[j] as number) < t) j++;
      if (j >= l1 || lake.ts[j] !== t) keep.push(i);
      else if (lake.value[j] !== store.value[i] || lake.quality[j] !== store.quality[i]) {
        conflicts++;
        conflict ??= { channelId: id, ts: t };
      }
    }
  }
  const n = keep.length;
  const missing: ReadingBatch = {
    channelIds: store.channelIds,
    channel: new Int32Array(n),
    ts: new Float64Array(n),
    value: new Float64Array(n),
    quality: new Uint8Array(n),
    length: n,
  };
  keep.forEach((i, k) => {
    missing.channel[k] = store.channel[i] as number;
    missing.ts[k] = store.ts[i] as number;
    missing.value[k] = store.value[i] as number;
    missing.quality[k] = store.quality[i] as number;
  });
  return { missing, conflict, conflicts };
}
