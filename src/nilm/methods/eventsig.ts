/**
 * Loadscope's own method, "event signatures": Hart-style events paired into segments, then each
 * segment is classified by a supervised model learnt from the training house's sub-meters. Training
 * runs the same segmenter over the training mains and labels every candidate with the appliance whose
 * sub-meter explains it (or `other`), so the classifier learns what the rest of a real house looks like
 * too, not only the appliances. Class-conditional Gaussians over scale-free features (log power, log
 * duration, off/on ratio, flatness, peak ratio) give the posterior. Before classifying a new house, two
 * things are re-learnt from its own unlabelled segments: each appliance's exact power rating (the
 * density peak near the trained rating) and the class priors (EM). A segment goes to an appliance only
 * when that appliance is the most probable class. See docs/nilm.md for why this transfers between
 * houses better than CO and FHMM.
 */
import type { HouseSeries, NilmMethod } from '../types.ts';
import { withResidual } from '../types.ts';
import { detectEdges, type EdgeOptions, paintSegment, pairSegments, type Segment } from './edges.ts';
import { powerStates } from './kmeans.ts';
import { FEATURES, segmentFeatures } from './segment-features.ts';
import { concatAppliance } from './states.ts';

/** A class-conditional diagonal Gaussian. */
interface ClassModel {
  label: string;
  logPrior: number;
  mean: number[];
  variance: number[];
  count: number;
  /** Variance of log power around the class's own median in one house (robust, from the MAD). */
  ratingVariance: number;
}

interface EventSigParams {
  edge: EdgeOptions;
  classes: ClassModel[];
  /** Learnt on-power per appliance (W), for the inventory and reports. */
  onPower: Record<string, number>;
  /** Typical draw when off (W): the median of the sub-meter, e.g. a microwave's clock. */
  standby: Record<string, number>;
  /** A segment goes to an appliance only with at least this posterior: a missed run costs less than a false one. */
  minPosterior: number;
}

/** Floors of the feature variances: keep the classifier from trusting one house's exact figures. */
const VAR_FLOOR = [0.02, 0.1, 0.01, 0.002, 0.002];

/** Segmenter settings learnt from the appliances' on-power and run lengths. */
function edgeOptions(
  houses: HouseSeries[],
  appliances: string[],
): { edge: EdgeOptions; onPower: Record<string, number> } {
  const onPower: Record<string, number> = {};
  let maxRun = 0;
  for (const a of appliances) {
    const s = concatAppliance(houses, a);
    const states = powerStates(s, 3);
    const on = states[states.length - 1]!;
    onPower[a] = on;
    // Longest run above half the on-power (p99), for the pairing horizon.
    const runs: number[] = [];
    let run = 0;
    for (let i = 0; i < s.length; i++) {
      if (s[i]! > on / 2) run++;
      else if (run) {
        runs.push(run);
        run = 0;
      }
    }
    runs.sort((x, y) => x - y);
    maxRun = Math.max(maxRun, runs[Math.floor(runs.length * 0.99)] ?? 0);
  }
  const minOn = Math.min(...Object.values(onPower).filter((p) => p > 50), Infinity);
  return {
    onPower,
    edge: {
      noise: 30,
      minEdge: Number.isFinite(minOn) ? Math.max(100, 0.4 * minOn) : 100,
      maxDuration: Math.max(3, Math.ceil(maxRun * 1.5) + 2),
      ratio: [0.6, 1.6],
    },
  };
}

/** Median power of each appliance's sub-meter: what it draws when nothing is running. */
function standbyPower(houses: HouseSeries[], appliances: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of appliances) {
    const s = concatAppliance(houses, a).filter((v) => !Number.isNaN(v));
    s.sort();
    out[a] = s.length ? s[Math.floor(s.length / 2)]! : 0;
  }
  return out;
}

/** The appliance whose sub-meter explains a segment, or `other`. */
function labelSegment(h: HouseSeries, s: Segment, appliances: string[]): string {
  let best = 'other';
  let bestErr = 0.5;
  for (const a of appliances) {
    const gt = h.appliances[a];
    if (!gt) continue;
    let sum = 0;
    let n = 0;
    for (let t = s.start; t < s.end; t++)
      if (!Number.isNaN(gt[t]!)) {
        sum += gt[t]!;
        n++;
      }
    if (!n) continue;
    const err = Math.abs(sum / n / s.power - 1);
    if (err < bestErr) {
      bestErr = err;
      best = a;
    }
  }
  return best;
}

function fitClasses(samples: Map<string, number[][]>): ClassModel[] {
  const total = [...samples.values()].reduce((n, v) => n + v.length, 0);
  const out: ClassModel[] = [];
  for (const [label, rows] of samples) {
    if (rows.length < 3) continue;
    const d = FEATURES.length;
    const mean = Array.from({ length: d }, (_, f) => rows.reduce((s, r) => s + r[f]!, 0) / rows.length);
    const variance = Array.from({ length: d }, (_, f) =>
      Math.max(VAR_FLOOR[f]!, rows.reduce((s, r) => s + (r[f]! - mean[f]!) ** 2, 0) / rows.length),
    );
    const logs = rows.map((r) => r[0]!).sort((a, b) => a - b);
    const median = logs[Math.floor(logs.length / 2)]!;
    const mad = logs.map((v) => Math.abs(v - median)).sort((a, b) => a - b)[Math.floor(logs.length / 2)]!;
    const ratingVariance = Math.max(VAR_FLOOR[0]! / 4, (1.4826 * mad) ** 2);
    out.push({
      label,
      logPrior: Math.log(rows.length / total),
      mean,
      variance,
      count: rows.length,
      ratingVariance,
    });
  }
  return out;
}

function logLikelihood(c: ClassModel, x: number[], open = false): number {
  let ll = c.logPrior;
  for (let f = 0; f < x.length; f++) {
    // A load still running has no off edge yet, and its duration is only known to be at least this long.
    if (open && f === 2) continue;
    if (open && f === 1) {
      ll += logSurvival((x[f]! - c.mean[f]!) / Math.sqrt(c.variance[f]!));
      continue;
    }
    ll -= 0.5 * (Math.log(2 * Math.PI * c.variance[f]!) + (x[f]! - c.mean[f]!) ** 2 / c.variance[f]!);
  }
  return ll;
}

/** log P(Z >= z) for a standard normal Z (Abramowitz-Stegun 7.1.26 erfc, good to 1e-7). */
function logSurvival(z: number): number {
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  if (x >= 0) return Math.log(0.5 * poly) - x * x;
  return Math.log(1 - 0.5 * poly * Math.exp(-x * x));
}

/** Event detection + learnt appliance signatures + per-appliance priors. */
export const eventsigMethod: NilmMethod = {
  name: 'eventsig',
  train(houses, appliances) {
    const { edge, onPower } = edgeOptions(houses, appliances);
    const samples = new Map<string, number[][]>([['other', []]]);
    for (const h of houses) {
      const segments = pairSegments(h.mains, detectEdges(h.mains, edge), edge);
      const features = segments.map((s) => segmentFeatures(h.mains, s, h.periodMs));
      segments.forEach((s, i) => {
        const label = labelSegment(h, s, appliances);
        const rows = samples.get(label) ?? [];
        rows.push(features[i]!);
        samples.set(label, rows);
      });
    }
    const params: EventSigParams = {
      edge,
      classes: fitClasses(samples),
      onPower,
      standby: standbyPower(houses, appliances),
      minPosterior: 0.5,
    };
    return { method: 'eventsig', version: 1, periodMs: houses[0]!.periodMs, appliances, params };
  },
  disaggregate(model, mains, opts = {}) {
    const p = model.params as EventSigParams;
    const out: Record<string, Float64Array> = {};
    for (const a of model.appliances) out[a] = new Float64Array(mains.length).fill(p.standby[a] ?? 0);
    const segments = pairSegments(mains, detectEdges(mains, p.edge), {
      ...p.edge,
      openEnd: opts.openEnd ?? false,
    });
    const features = segments.map((s) => segmentFeatures(mains, s, model.periodMs));
    const classes = adaptPriors(
      p.classes.map((c) => calibrateRating(c, features)),
      features,
      PRIOR_EM_ITERATIONS,
    );
    segments.forEach((s, i) => {
      const { best, posterior } = classify(classes, features[i]!, s.end === mains.length);
      const target =
        best && best.label !== 'other' && posterior >= p.minPosterior ? out[best.label] : undefined;
      if (target) paintSegment(mains, s, target);
    });
    return withResidual(model.periodMs, mains, out);
  },
};

/** The most likely class and its posterior probability. */
function classify(
  classes: ClassModel[],
  x: number[],
  open: boolean,
): { best: ClassModel | undefined; posterior: number } {
  let best: ClassModel | undefined;
  let bestLl = -Infinity;
  const lls = classes.map((c) => logLikelihood(c, x, open));
  lls.forEach((ll, k) => {
    if (ll > bestLl) {
      bestLl = ll;
      best = classes[k];
    }
  });
  const z = lls.reduce((s, ll) => s + Math.exp(ll - bestLl), 0);
  return { best, posterior: 1 / z };
}

/** EM iterations of the prior adaptation: a few, since naive Bayes posteriors are overconfident and many iterations drift. */
const PRIOR_EM_ITERATIONS = 3;

/** How far (in log power) a house's rating may sit from the trained one: about -25 % .. +35 %. */
const MAX_RATING_SHIFT = 0.3;
/** Prior spread of a house's rating around the trained one (log power). */
const SHIFT_SD = 0.15;
/** Kernel width (log power) of the rating density. */
const RATING_BANDWIDTH = 0.02;

/**
 * Finds the appliance's power rating in the house being disaggregated. An appliance draws nearly the
 * same power every time it runs, while the rest of the house is spread out: among the segments near
 * the trained rating and of a plausible duration, the nearest density peak is this house's rating. The
 * class then centres there with its tight within-house spread. Without enough support (fewer than 5
 * such segments) the trained class is kept.
 */
export function calibrateRating(c: ClassModel, features: number[][]): ClassModel {
  if (c.label === 'other') return c;
  const sdDur = Math.sqrt(c.variance[1]!);
  const near = features
    .filter(
      (x) => Math.abs(x[0]! - c.mean[0]!) <= MAX_RATING_SHIFT && Math.abs(x[1]! - c.mean[1]!) <= 2 * sdDur,
    )
    .map((x) => x[0]!);
  if (near.length < 5) return c;
  // The densest rating, weighed by how plausible its distance from the trained rating is.
  // A narrow kernel: one appliance's rating is sharp (about 2 %), the rest of the house is not.
  const bw = RATING_BANDWIDTH;
  let best = c.mean[0]!;
  let bestScore = -Infinity;
  for (let v = c.mean[0]! - MAX_RATING_SHIFT; v <= c.mean[0]! + MAX_RATING_SHIFT; v += 0.005) {
    let density = 0;
    for (const x of near) density += Math.exp(-0.5 * ((x - v) / bw) ** 2);
    const score = Math.log(density + 1e-9) - 0.5 * ((v - c.mean[0]!) / SHIFT_SD) ** 2;
    if (score > bestScore) {
      bestScore = score;
      best = v;
    }
  }
  if (Math.abs(best - c.mean[0]!) > MAX_RATING_SHIFT) return c;
  const mean = [...c.mean];
  mean[0] = best;
  const variance = [...c.variance];
  variance[0] = c.ratingVariance;
  return { ...c, mean, variance };
}

/**
 * Re-estimates the class priors on the house's own segments by EM (Saerens et al. 2002): how often
 * each appliance runs is a habit of the household, not of the appliance.
 */
export function adaptPriors(classes: ClassModel[], features: number[][], iterations: number): ClassModel[] {
  if (features.length < 20 || iterations <= 0) return classes;
  let cur = classes;
  const ll = new Float64Array(classes.length);
  for (let it = 0; it < iterations; it++) {
    const weight = new Float64Array(classes.length);
    for (const x of features) {
      let max = -Infinity;
      for (let k = 0; k < cur.length; k++) {
        ll[k] = logLikelihood(cur[k]!, x);
        max = Math.max(max, ll[k]!);
      }
      let z = 0;
      for (let k = 0; k < cur.length; k++) z += Math.exp(ll[k]! - max);
      for (let k = 0; k < cur.length; k++) weight[k]! += Math.exp(ll[k]! - max) / z;
    }
    cur = cur.map((c, k) => ({ ...c, logPrior: Math.log(Math.max(weight[k]!, 0.5) / features.length) }));
  }
  return cur;
}
