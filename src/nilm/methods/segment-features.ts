/** Features of a paired segment that the signature method classifies on. */
import { type Segment, segmentLoad } from './edges.ts';

/** Number of features per segment. */
export const FEATURES = [
  'log power',
  'log duration',
  'off/on ratio',
  'flatness',
  'log peak ratio',
  'log activity after',
  'log repeats within 2 h',
] as const;

/** Window after a segment in which the mains' activity is measured (ms): a washing machine's spin follows its heater. */
const AFTER_MS = 20 * 60_000;
/**
 * Loads shorter than this get no activity feature: after a kettle or a microwave the mains show the
 * household's habits (cooking, breakfast), which differ between houses, not the appliance.
 */
const PROGRAMME_MS = 5 * 60_000;
/** Changes above this count as this much in the activity measure (W), so one big switch does not dominate. */
const ACTIVITY_CAP_W = 1000;

/**
 * Mean absolute sample-to-sample change of the mains in the window after the segment (log of 1 + W):
 * a programme's next phase (spin, pump) shows here. NaN when less than half the window is observed.
 */
function activityAfter(x: Float64Array, s: Segment, periodMs: number): number {
  const n = Math.max(2, Math.round(AFTER_MS / periodMs));
  const from = s.end + 1;
  const to = Math.min(x.length, from + n);
  let sum = 0;
  let seen = 0;
  for (let t = Math.max(1, from); t < to; t++) {
    const d = Math.abs(x[t]! - x[t - 1]!);
    if (Number.isNaN(d)) continue;
    sum += Math.min(d, ACTIVITY_CAP_W);
    seen++;
  }
  return seen >= n / 2 ? Math.log1p(sum / seen) : NaN;
}

/**
 * Feature vector of one segment: scale-free where possible so it transfers between houses. The shape
 * features (flatness, peak ratio) come from the samples where the segment's load ran alone; when it
 * never did (it was switched together with a longer load), they are NaN: not observed. The activity
 * after is NaN for loads shorter than 5 minutes and for loads still running.
 */
export function segmentFeatures(x: Float64Array, s: Segment, periodMs: number): number[] {
  let sum = 0;
  let sq = 0;
  let peak = 0;
  let n = 0;
  const o = s.overlap;
  for (let t = s.start; t < s.end; t++) {
    if (o && t >= o.start && t < o.end) continue;
    const v = segmentLoad(x, s, t);
    if (Number.isNaN(v)) continue;
    sum += v;
    sq += v * v;
    peak = Math.max(peak, v);
    n++;
  }
  const mean = n ? sum / n : 0;
  const std = n ? Math.sqrt(Math.max(0, sq / n - mean * mean)) : 0;
  const shapeSeen = n > 0 || !o;
  return [
    Math.log(s.power),
    Math.log(((s.end - s.start) * periodMs) / 1000),
    s.offPower / s.power,
    shapeSeen ? std / s.power : NaN,
    shapeSeen ? Math.log(Math.max(1, peak) / s.power) : NaN,
    (s.end - s.start) * periodMs >= PROGRAMME_MS ? activityAfter(x, s, periodMs) : NaN,
    NaN, // repeats: set by withRepeats, which sees all segments
  ];
}

/** Window either side of a long load in which loads like it are counted (ms). */
const REPEAT_WINDOW_MS = 2 * 3_600_000;
/** Loads within this ratio of power (log) count as the same kind. */
const REPEAT_POWER = 0.15;

/**
 * Fills the last feature of each row of a load of 5 minutes or more: log(1 + the number of other such
 * loads of about the same power within 2 hours). A dishwasher heats its water two or three times
 * per programme; a washing machine heats once. Shorter loads keep NaN (household habit, as above).
 */
export function withRepeats(segments: Segment[], features: number[][], periodMs: number): number[][] {
  const minLen = PROGRAMME_MS / periodMs;
  const window = REPEAT_WINDOW_MS / periodMs;
  const long = segments.map((s, i) => ({ s, i })).filter(({ s }) => s.end - s.start >= minLen);
  for (const { s, i } of long) {
    let n = 0;
    for (const o of long)
      if (
        o.i !== i &&
        Math.abs(o.s.start - s.start) <= window &&
        Math.abs(Math.log(o.s.power / s.power)) < REPEAT_POWER
      )
        n++;
    features[i]![FEATURES.length - 1] = Math.log1p(n);
  }
  return features;
}
