/**
 * The signature classifier: one diagonal Gaussian per class (each appliance and `other`) over the
 * segment features, with variance floors. Features that are NaN (not observed) are left out of both
 * the fit and the likelihood.
 */

import { FEATURES } from './segment-features.ts';

/** A class-conditional diagonal Gaussian. */
export interface ClassModel {
  label: string;
  logPrior: number;
  mean: number[];
  variance: number[];
  count: number;
  /** Variance of log power around the class's own median in one house (robust, from the MAD). */
  ratingVariance: number;
  /**
   * The appliance's rating: the most common log power of its segments (the density mode), not the
   * mean, which part-power runs (a microwave's defrost) pull down. Absent in models from before it.
   */
  rating?: number;
  /**
   * Log density of log power on a grid, replacing the Gaussian for feature 0: the rest of the house
   * as seen in the house being disaggregated (see house-adaptation.ts). Not part of a stored model.
   */
  powerDensity?: { start: number; step: number; logDensity: Float64Array };
}

/** Floors of the feature variances: keep the classifier from trusting one house's exact figures. */
const VAR_FLOOR = [0.02, 0.1, 0.01, 0.002, 0.002, 0.5, 0.1];

/** Fits one class per label from its segments' feature rows (labels with fewer than 3 rows are dropped). */
export function fitClasses(samples: Map<string, number[][]>): ClassModel[] {
  const total = [...samples.values()].reduce((n, v) => n + v.length, 0);
  const out: ClassModel[] = [];
  for (const [label, rows] of samples) {
    if (rows.length < 3) continue;
    const d = FEATURES.length;
    // Shape features are NaN where a load never ran alone: not observed, so left out of the fit.
    const seen = (f: number): number[] => rows.map((r) => r[f]!).filter((v) => !Number.isNaN(v));
    const mean = Array.from({ length: d }, (_, f) => {
      const v = seen(f);
      return v.length ? v.reduce((s, x) => s + x, 0) / v.length : 0;
    });
    const variance = Array.from({ length: d }, (_, f) => {
      const v = seen(f);
      return Math.max(
        VAR_FLOOR[f]!,
        v.length ? v.reduce((s, x) => s + (x - mean[f]!) ** 2, 0) / v.length : 1,
      );
    });
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
      rating: densityMode(logs),
    });
  }
  return out;
}

/** Log prior plus log-likelihood of a feature row; `open` for a load still running (see eventsig). */
export function logLikelihood(c: ClassModel, x: number[], open = false): number {
  let ll = c.logPrior;
  for (let f = 0; f < x.length; f++) {
    // A load still running has no off edge yet, and its duration is only known to be at least this long.
    if ((open && f === 2) || Number.isNaN(x[f]!)) continue;
    if (f === 0 && c.powerDensity) {
      const g = c.powerDensity;
      const i = Math.min(g.logDensity.length - 1, Math.max(0, Math.round((x[0]! - g.start) / g.step)));
      ll += g.logDensity[i]!;
      continue;
    }
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

/** The most likely label and its posterior probability (summed over a label's components). */
export function classify(
  classes: ClassModel[],
  x: number[],
  open: boolean,
): { best: ClassModel | undefined; posterior: number } {
  const lls = classes.map((c) => logLikelihood(c, x, open));
  const max = Math.max(...lls);
  const byLabel = new Map<string, number>();
  let z = 0;
  lls.forEach((ll, k) => {
    const w = Math.exp(ll - max);
    z += w;
    byLabel.set(classes[k]!.label, (byLabel.get(classes[k]!.label) ?? 0) + w);
  });
  let best: ClassModel | undefined;
  let bestW = -1;
  for (const [label, w] of byLabel)
    if (w > bestW) {
      bestW = w;
      best = classes.find((c) => c.label === label);
    }
  return { best, posterior: bestW / z };
}

/** Kernel width (log power) of the rating's density. */
const MODE_BANDWIDTH = 0.03;

/** The mode of a kernel density over sorted values (grid of 0.005). */
function densityMode(sorted: number[]): number {
  let best = sorted[0]!;
  let bestDensity = -1;
  for (let v = sorted[0]!; v <= sorted[sorted.length - 1]!; v += 0.005) {
    let density = 0;
    for (const x of sorted)
      if (Math.abs(x - v) < 4 * MODE_BANDWIDTH) density += Math.exp(-0.5 * ((x - v) / MODE_BANDWIDTH) ** 2);
    if (density > bestDensity) [best, bestDensity] = [v, density];
  }
  return best;
}
