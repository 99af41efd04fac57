/** Features of a paired segment that the signature method classifies on. */
import type { Segment } from './edges.ts';

/** Number of features per segment. */
export const FEATURES = ['log power', 'log duration', 'off/on ratio', 'flatness', 'log peak ratio'] as const;

/** Feature vector of one segment: scale-free where possible so it transfers between houses. */
export function segmentFeatures(x: Float64Array, s: Segment, periodMs: number): number[] {
  let sum = 0;
  let sq = 0;
  let peak = 0;
  let n = 0;
  for (let t = s.start; t < s.end; t++) {
    const v = x[t]! - s.base;
    if (Number.isNaN(v)) continue;
    sum += v;
    sq += v * v;
    peak = Math.max(peak, v);
    n++;
  }
  const mean = n ? sum / n : 0;
  const std = n ? Math.sqrt(Math.max(0, sq / n - mean * mean)) : 0;
  return [
    Math.log(s.power),
    Math.log(((s.end - s.start) * periodMs) / 1000),
    s.offPower / s.power,
    std / s.power,
    Math.log(Math.max(1, peak) / s.power),
  ];
}
