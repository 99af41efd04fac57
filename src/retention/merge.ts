/**
 * Merging one channel's readings from the two tiers, both ordered by time: the store's (hot) and the
 * lake's (cold). A timestamp in both is the store's reading, which is what readers saw before a move.
 */
import type { Reading, ReadingBatch } from '../domain/types.ts';
import type { ReadingColumns } from '../store/ports/readings.ts';

/** Columns of the union of `hot` and `cold` (one channel's lake readings), ordered by time. */
export function mergeColumns(hot: ReadingColumns, cold: ReadingBatch): ReadingColumns {
  if (cold.length === 0) return hot;
  const n = hot.ts.length;
  const m = cold.length;
  const ts = new Float64Array(n + m);
  const value = new Float64Array(n + m);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < n || j < m) {
    const a = i < n ? (hot.ts[i] as number) : Infinity;
    const b = j < m ? (cold.ts[j] as number) : Infinity;
    if (a <= b) {
      ts[k] = a;
      value[k++] = hot.value[i++] as number;
      if (a === b) j++;
    } else {
      ts[k] = b;
      value[k++] = cold.value[j++] as number;
    }
  }
  return { ts: ts.subarray(0, k), value: value.subarray(0, k) };
}

/** The union of `hot` and `cold` (one channel's lake readings) as readings, ordered by time. */
export function mergeReadings(channelId: string, hot: Reading[], cold: ReadingBatch): Reading[] {
  if (cold.length === 0) return hot;
  const out: Reading[] = [];
  let i = 0;
  let j = 0;
  while (i < hot.length || j < cold.length) {
    const h = hot[i];
    const b = j < cold.length ? (cold.ts[j] as number) : Infinity;
    if (h && h.ts <= b) {
      out.push(h);
      i++;
      if (h.ts === b) j++;
    } else {
      out.push({
        channelId,
        ts: b,
        value: cold.value[j] as number,
        quality: cold.quality[j] as Reading['quality'],
      });
      j++;
    }
  }
  return out;
}
