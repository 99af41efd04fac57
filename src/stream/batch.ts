/** Building and slicing {@link ReadingBatch}es without an object per reading. */
import type { ReadingBatch } from '../domain/types.ts';

/** Accumulates readings into a growing columnar batch. */
export interface BatchBuilder {
  /** Adds one reading. */
  push(channelId: string, ts: number, value: number, quality?: number): void;
  /** Readings added so far. */
  readonly length: number;
  /** The batch (shares memory with the builder; call `reset()` only after the batch is consumed). */
  build(): ReadingBatch;
  /** Empties the builder. */
  reset(): void;
}

/** Creates a batch builder with room for `capacity` readings (it grows as needed). */
export function createBatchBuilder(capacity = 1024): BatchBuilder {
  let channelIds: string[] = [];
  let index = new Map<string, number>();
  let channel = new Int32Array(capacity);
  let ts = new Float64Array(capacity);
  let value = new Float64Array(capacity);
  let quality = new Uint8Array(capacity);
  let n = 0;
  const grow = (): void => {
    const cap = channel.length * 2;
    const c2 = new Int32Array(cap);
    c2.set(channel);
    const t2 = new Float64Array(cap);
    t2.set(ts);
    const v2 = new Float64Array(cap);
    v2.set(value);
    const q2 = new Uint8Array(cap);
    q2.set(quality);
    [channel, ts, value, quality] = [c2, t2, v2, q2];
  };
  return {
    push(channelId, t, v, q = 0) {
      let ci = index.get(channelId);
      if (ci === undefined) {
        ci = channelIds.length;
        channelIds.push(channelId);
        index.set(channelId, ci);
      }
      if (n === channel.length) grow();
      channel[n] = ci;
      ts[n] = t;
      value[n] = v;
      quality[n] = q;
      n++;
    },
    get length() {
      return n;
    },
    build: () => ({ channelIds, channel, ts, value, quality, length: n }),
    reset() {
      channelIds = [];
      index = new Map();
      channel = new Int32Array(Math.max(16, channel.length));
      ts = new Float64Array(channel.length);
      value = new Float64Array(channel.length);
      quality = new Uint8Array(channel.length);
      n = 0;
    },
  };
}

/** A batch from reading objects (tests, small inputs). */
export function batchOf(
  readings: readonly { channelId: string; ts: number; value: number; quality?: number }[],
): ReadingBatch {
  const b = createBatchBuilder(Math.max(16, readings.length));
  for (const r of readings) b.push(r.channelId, r.ts, r.value, r.quality ?? 0);
  return b.build();
}

/** Concatenates batches into one. */
export function concatBatches(batches: readonly ReadingBatch[]): ReadingBatch {
  const total = batches.reduce((s, b) => s + b.length, 0);
  const b = createBatchBuilder(Math.max(16, total));
  for (const x of batches)
    for (let i = 0; i < x.length; i++)
      b.push(x.channelIds[x.channel[i]!]!, x.ts[i]!, x.value[i]!, x.quality[i]);
  return b.build();
}
