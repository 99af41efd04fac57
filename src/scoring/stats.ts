/** Small statistics used by features and products. Inputs are never modified. */

/** Percentile (0..100) of finite values by linear interpolation; NaN when there are none. */
export function percentile(values: ArrayLike<number>, p: number): number {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isFinite(v)) finite.push(v);
  }
  if (finite.length === 0) return Number.NaN;
  finite.sort((a, b) => a - b);
  return percentileOfSorted(finite, p);
}

/** Percentile of an ascending array by linear interpolation. */
export function percentileOfSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

/** Share (0..100) of `sorted` at or below `v` (mid-rank for ties). */
export function percentileRank(sorted: readonly number[], v: number): number {
  if (sorted.length === 0 || !Number.isFinite(v)) return Number.NaN;
  let below = 0;
  let equal = 0;
  for (const x of sorted) {
    if (x < v) below++;
    else if (x === v) equal++;
  }
  return (100 * (below + equal / 2)) / sorted.length;
}

/** Robust z-score of `v` against a median and a MAD-based sigma (with a floor so tiny spreads do not explode). */
export function robustZ(v: number, median: number, mad: number, floor: number): number {
  return (v - median) / Math.max(mad, floor);
}

/** Logistic squashing of x into 0..100 around `mid` with slope `k`. */
export function logistic100(x: number, mid: number, k: number): number {
  return 100 / (1 + Math.exp(-k * (x - mid)));
}

/** Rounds to `digits` decimals (for stable, readable evidence). */
export function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
