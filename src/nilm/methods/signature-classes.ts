/**
 * The signature classifier, naive Bayes over the segment features per class (each appliance and
 * `other`): a Gaussian for log power (an appliance's rating is sharp, and re-found per house), a
 * kernel density with a wide Gaussian tail for every other feature (their distributions are skewed
 * and long-tailed: mostly flat loads, some not). Variance floors keep the classifier from trusting
 * one house's exact figures. Features that are NaN (not observed) are left out of both the fit and the
 * likelihood.
 */

import { FEATURES } from './segment-features.ts';

/** One class: its prior, Gaussian moments of every feature, and the kernel densities. */
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
  powerDensity?: DensityGrid;
  /**
   * Kernel density of each feature that has one (by feature index; null where the Gaussian is used):
   * shapes are far from Gaussian - mostly flat, with a long tail of loads that are not.
   */
  densities?: (DensityGrid | null)[];
}

/** A density on a regular grid: `density[i]` at `start + i * step`. */
export interface DensityGrid {
  start: number;
  step: number;
  density: number[];
}

/**
 * Features modelled by a kernel density instead of a Gaussian: all but power, whose appliance
 * ratings are re-found in each house (house-adaptation.ts) and need the Gaussian's centre.
 */
const KDE_FEATURES = new Set([1, 2, 3, 4, 5, 6]);
/** Share of a kernel-density feature's likelihood given to a wide Gaussian, so another house's odd value is not impossible. */
const KDE_TAIL = 0.1;

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
      densities: Array.from({ length: d }, (_, f) =>
        KDE_FEATURES.has(f) ? kernelDensity(seen(f), Math.sqrt(VAR_FLOOR[f]!)) : null,
      ),
    });
  }
  return out;
}

/** Log prior plus log-likelihood of a feature row; `open` for a load still running (see eventsig). */
export function logLikelihood(c: ClassModel, x: number[], open = false): number {
  let ll = c.logPrior;
  for (let f = 0; f < x.length; f++) {
    // A load still running has no off edge yet, and its duration is only known to be at least this long.
    // A model stored before a feature existed has no statistics for it: the feature counts as unseen.
    if ((open && f === 2) || Number.isNaN(x[f]!) || f >= c.mean.length) continue;
    if (f === 0 && c.powerDensity) {
      const g = c.powerDensity;
      const i = Math.min(g.density.length - 1, Math.max(0, Math.round((x[0]! - g.start) / g.step)));
      ll += Math.log(Math.max(g.density[i]!, 1e-6));
      continue;
    }
    if (open && f === 1) {
      ll += logSurvival((x[f]! - c.mean[f]!) / Math.sqrt(c.variance[f]!));
      continue;
    }
    const grid = c.densities?.[f];
    if (grid) {
      const i = Math.round((x[f]! - grid.start) / grid.step);
      const kde = i >= 0 && i < grid.density.length ? grid.density[i]! : 0;
      // log((1 - tail share) * kde + tail share * N(x; mean, 4 var)), kept finite far out in the tail.
      const wide = 4 * c.variance[f]!;
      const logTail =
        Math.log(KDE_TAIL) - 0.5 * (Math.log(2 * Math.PI * wide) + (x[f]! - c.mean[f]!) ** 2 / wide);
      const logKde = kde > 0 ? Math.log((1 - KDE_TAIL) * kde) : -Infinity;
      const top = Math.max(logTail, logKde);
      ll += top + Math.log(Math.exp(logTail - top) + Math.exp(logKde - top));
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

/** Gaussian kernel density of the values (Silverman's bandwidth, at least `minWidth`) on a grid of a quarter bandwidth. */
function kernelDensity(values: number[], minWidth: number): DensityGrid | null {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length < 3) return null;
  const n = v.length;
  const mean = v.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  const iqr = v[Math.floor(0.75 * n)]! - v[Math.floor(0.25 * n)]!;
  const spread = Math.min(sd, iqr / 1.34) || sd;
  const h = Math.max(minWidth, 0.9 * spread * n ** -0.2);
  return densityGrid(v, undefined, h, h / 4);
}

/**
 * Gaussian kernel density of width `h` of the values, each counted with its weight (1 without), on a
 * grid of `step` reaching 4 widths past the extreme values; it integrates to 1.
 */
export function densityGrid(
  values: number[],
  weights: number[] | undefined,
  h: number,
  step: number,
): DensityGrid {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  const start = lo - 4 * h;
  const size = Math.ceil((hi + 4 * h - start) / step) + 1;
  const reach = Math.ceil((4 * h) / step);
  const total = weights ? weights.reduce((a, b) => a + b, 0) : values.length;
  const norm = 1 / (total * h * Math.sqrt(2 * Math.PI));
  const density = new Array<number>(size).fill(0);
  values.forEach((x, i) => {
    const w = weights ? weights[i]! : 1;
    const c = Math.round((x - start) / step);
    for (let j = Math.max(0, c - reach); j <= Math.min(size - 1, c + reach); j++)
      density[j]! += w * norm * Math.exp(-0.5 * ((start + j * step - x) / h) ** 2);
  });
  return { start, step, density };
}
