import type { ReadingBatch } from './types.ts';

/** An empty columnar batch (what a read of a range without readings returns). */
export function emptyBatch(): ReadingBatch {
  return {
    channelIds: [],
    channel: new Int32Array(0),
    ts: new Float64Array(0),
    value: new Float64Array(0),
    quality: new Uint8Array(0),
    length: 0,
  };
}
