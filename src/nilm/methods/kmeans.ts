/**
 * One-dimensional k-means for appliance power states (as NILMTK's CO and FHMM use). Works on a
 * subsample for speed; centres come back sorted ascending, with near-duplicates (< 20 W apart) merged.
 */

/** Power states of one appliance: centres (W) sorted ascending. */
export function powerStates(series: Float64Array, k: number, maxSamples = 50_000): number[] {
  const values: number[] = [];
  const step = Math.max(1, Math.floor(series.length / maxSamples));
  for (let i = 0; i < series.length; i += step) {
    const v = series[i]!;
    if (!Number.isNaN(v)) values.push(v);
  }
  if (values.length === 0) return [0];
  values.sort((a, b) => a - b);
  // Initialise at spread quantiles of the distinct upper range so rare "on" states get a centre.
  let centres = initCentres(values, k);
  const assign = new Int32Array(values.length);
  for (let iter = 0; iter < 30; iter++) {
    const sums = new Float64Array(centres.length);
    const counts = new Float64Array(centres.length);
    for (let i = 0; i < values.length; i++) {
      const c = nearest(centres, values[i]!);
      assign[i] = c;
      sums[c]! += values[i]!;
      counts[c]!++;
    }
    const next = centres.map((c, j) => (counts[j]! > 0 ? sums[j]! / counts[j]! : c));
    if (next.every((c, j) => Math.abs(c - centres[j]!) < 0.01)) break;
    centres = next;
  }
  centres.sort((a, b) => a - b);
  const merged: number[] = [];
  for (const c of centres) if (merged.length === 0 || c - merged[merged.length - 1]! > 20) merged.push(c);
  return merged;
}

function initCentres(sorted: number[], k: number): number[] {
  const lo = sorted[0]!;
  const hi = sorted[sorted.length - 1]!;
  if (hi - lo < 1) return [lo];
  // Equal-width in power, so a state that is on 1 % of the time still seeds a centre.
  return Array.from({ length: k }, (_, j) => lo + ((hi - lo) * j) / Math.max(1, k - 1));
}

/** Index of the nearest centre. */
export function nearest(centres: readonly number[], v: number): number {
  let best = 0;
  let bestD = Infinity;
  for (let j = 0; j < centres.length; j++) {
    const d = Math.abs(centres[j]! - v);
    if (d < bestD) {
      bestD = d;
      best = j;
    }
  }
  return best;
}
