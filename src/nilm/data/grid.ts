/**
 * Puts irregular or finer samples on a regular grid: each slot is the mean of the samples that fall in
 * it; slots without a sample are NaN. This is both the resampler and the aligner of the loaders.
 */

/** Accumulates samples of several columns into a grid of `length` slots of `periodMs` from `t0`. */
export interface GridBuilder {
  /** Adds one row: a timestamp and one value per column (NaN = missing, not counted). */
  add(ts: number, values: ArrayLike<number>): void;
  /** Means per slot per column; NaN where a slot got no value. */
  finish(): Float64Array[];
}

/** Creates a {@link GridBuilder} for `columns` columns. */
export function createGrid(t0: number, periodMs: number, length: number, columns: number): GridBuilder {
  const sums = Array.from({ length: columns }, () => new Float64Array(length));
  const counts = Array.from({ length: columns }, () => new Uint32Array(length));
  return {
    add(ts, values) {
      const slot = Math.floor((ts - t0) / periodMs);
      if (slot < 0 || slot >= length) return;
      for (let c = 0; c < columns; c++) {
        const v = values[c]!;
        if (Number.isNaN(v)) continue;
        sums[c]![slot]! += v;
        counts[c]![slot]!++;
      }
    },
    finish() {
      return sums.map((s, c) => {
        const n = counts[c]!;
        for (let i = 0; i < length; i++) s[i] = n[i] === 0 ? NaN : s[i]! / n[i]!;
        return s;
      });
    },
  };
}

/** Counts NaN slots. */
export function countMissing(a: Float64Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (Number.isNaN(a[i]!)) n++;
  return n;
}
