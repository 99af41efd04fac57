/**
 * Adapting a trained signature model to the house being disaggregated, without labels: each
 * appliance's power rating is re-found among the house's own segments, and the class priors (how
 * often each appliance runs, a habit of the household) are re-estimated by EM.
 */
import { type ClassModel, densityGrid, logLikelihood } from './signature-classes.ts';

/** EM iterations of the adaptation: a few, since naive Bayes posteriors are overconfident and many iterations drift. */
export const ADAPT_ITERATIONS = 3;

/** Kernel width (log power) of the rest of the house's power density: broad, so it never forms an appliance-sharp peak. */
const OTHER_BANDWIDTH = 0.15;
/** Grid step (log power) of that density. */
const GRID_STEP = 0.01;

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
 * Adapts the classes to the house's own segments by EM, without labels:
 *   - the class priors: how often each appliance runs is a habit of the household (Saerens et al. 2002);
 *   - the rest of the house's power: a broad kernel density over the segments it explains, in place
 *     of the trained Gaussian, which says little about another house's other loads (at a
 *     microwave's 1.4 kW the Gaussian put 2.6 x too many of house 20's other loads).
 * The naive-Bayes posteriors are overconfident, so a few iterations only.
 */
export function adaptToHouse(classes: ClassModel[], features: number[][], iterations: number): ClassModel[] {
  if (features.length < 20 || iterations <= 0) return classes;
  let cur = classes;
  for (let it = 0; it < iterations; it++) {
    const resp = features.map((x) => posteriors(cur, x));
    cur = cur.map((c, k) => {
      const weight = resp.reduce((s, r) => s + r[k]!, 0);
      const logPrior = Math.log(Math.max(weight, 0.5) / features.length);
      if (c.label !== 'other') return { ...c, logPrior };
      return {
        ...c,
        logPrior,
        powerDensity: densityGrid(
          features.map((x) => x[0]!),
          resp.map((r) => r[k]!),
          OTHER_BANDWIDTH,
          GRID_STEP,
        ),
      };
    });
  }
  return cur;
}

/** Posterior probability of each class for one feature row. */
function posteriors(classes: ClassModel[], x: number[]): number[] {
  const ll = classes.map((c) => logLikelihood(c, x));
  const max = Math.max(...ll);
  const w = ll.map((v) => Math.exp(v - max));
  const z = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / z);
}
