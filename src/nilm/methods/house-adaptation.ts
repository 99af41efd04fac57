/**
 * Adapting a trained signature model to the house being disaggregated, without labels: each
 * appliance's power rating is re-found among the house's own segments, and the class priors (how
 * often each appliance runs, a habit of the household) are re-estimated by EM.
 */
import { type ClassModel, logLikelihood } from './signature-classes.ts';

/** EM iterations of the prior adaptation: a few, since naive Bayes posteriors are overconfident and many iterations drift. */
export const PRIOR_EM_ITERATIONS = 3;

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
  const centre = c.rating ?? c.mean[0]!;
  const near = features
    .filter((x) => Math.abs(x[0]! - centre) <= MAX_RATING_SHIFT && Math.abs(x[1]! - c.mean[1]!) <= 2 * sdDur)
    .map((x) => x[0]!);
  if (near.length < 5) return c;
  // The densest rating, weighed by how plausible its distance from the trained rating is.
  // A narrow kernel: one appliance's rating is sharp (about 2 %), the rest of the house is not.
  const bw = RATING_BANDWIDTH;
  let best = centre;
  let bestScore = -Infinity;
  for (let v = centre - MAX_RATING_SHIFT; v <= centre + MAX_RATING_SHIFT; v += 0.005) {
    let density = 0;
    for (const x of near) density += Math.exp(-0.5 * ((x - v) / bw) ** 2);
    const score = Math.log(density + 1e-9) - 0.5 * ((v - centre) / SHIFT_SD) ** 2;
    if (score > bestScore) {
      bestScore = score;
      best = v;
    }
  }
  if (Math.abs(best - centre) > MAX_RATING_SHIFT) return c;
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
