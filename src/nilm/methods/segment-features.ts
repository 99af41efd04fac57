/** Features of a paired segment that the signature method classifies on. */
import { type Segment, segmentLoad } from './edges.ts';

/** Names of the features of a segment, in order. */
export const FEATURES = [
  'log power',
  'log duration',
  'off/on ratio',
  'flatness (p50 - p10)',
  'log peak ratio (p90)',
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
  const o = s.overlap;
  const own: number[] = [];
  const inner = s.inner && s.inner.end > s.inner.start ? s.inner : s;
  for (let t = inner.start; t < inner.end; t++) {
    if (o && t >= o.start && t < o.end) continue;
    const v = segmentLoad(x, s, t);
    if (!Number.isNaN(v)) own.push(v);
  }
  const shapeSeen = own.length > 0 || !o;
  const [flatness, peak] = shapeOf(own, s.power);
  return [
    Math.log(s.power),
    Math.log(((s.end - s.start) * periodMs) / 1000),
    s.offPower / s.power,
    shapeSeen ? flatness : NaN,
    shapeSeen ? peak : NaN,
    (s.end - s.start) * periodMs >= PROGRAMME_MS ? activityAfter(x, s, periodMs) : NaN,
    NaN, // repeats: set by featureRows, which sees all segments
  ];
}

/**
 * Flatness (median minus 10th percentile, over the power) and peak ratio (log of the 90th percentile
 * over the power) of a load's own samples. Quantiles, not the standard deviation and the maximum:
 * another load switched on top for a while, or the partial first and last samples, barely move them.
 */
function shapeOf(v: number[], power: number): [number, number] {
  if (!v.length) return [0, Math.log(1 / power)];
  const q = [...v].sort((a, b) => a - b);
  const at = (p: number): number => q[Math.min(q.length - 1, Math.floor(p * q.length))]!;
  return [(at(0.5) - at(0.1)) / power, Math.log(Math.max(1, at(0.9)) / power)];
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
function withRepeats(segments: Segment[], features: number[][], periodMs: number): number[][] {
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

/** The feature rows of all segments of one series, the repeats included. */
export function featureRows(x: Float64Array, segments: Segment[], periodMs: number): number[][] {
  return withRepeats(
    segments,
    segments.map((s) => segmentFeatures(x, s, periodMs)),
    periodMs,
  );
}
