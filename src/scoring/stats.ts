/** Small statistics used by features and products. Inputs are never modified. */

/** Finite values of `values`, copied (order kept). */
export function finiteCopy(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isFinite(v)) out[n++] = v;
  }
  return out.subarray(0, n);
}

/**
 * Percentile (0..100) of finite values by linear interpolation, as over sorted values; NaN when there are none.
 * Uses selection (expected linear time) rather than a sort: a year of hourly values in well under a millisecond.
 */
export function percentile(values: ArrayLike<number>, p: number): number {
  const a = finiteCopy(values);
  if (a.length === 0) return Number.NaN;
  const pos = (p / 100) * (a.length - 1);
  const lo = Math.floor(pos);
  const loValue = select(a, lo);
  if (pos === lo) return loValue;
  // After selecting lo, everything right of it is >= it: the next order statistic is their minimum.
  let next = Number.POSITIVE_INFINITY;
  for (let i = lo + 1; i < a.length; i++) if ((a[i] as number) < next) next = a[i] as number;
  return loValue + (next - loValue) * (pos - lo);
}

/** Rearranges `a` so that a[k] is its k-th smallest value (Hoare's quickselect, median-of-three); returns it. */
function select(a: Float64Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (right > left) {
    const mid = (left + right) >> 1;
    const x = a[left] as number;
    const y = a[mid] as number;
    const z = a[right] as number;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = left;
    let j = right;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return a[k] as number;
  }
  return a[k] as number;
}

/** Percentile of an ascending array by linear interpolation. */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
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
