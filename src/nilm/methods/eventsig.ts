/**
 * Loadscope's own method, "event signatures": Hart-style events paired into segments, then each
 * segment is classified by a supervised model learnt from the training house's sub-meters. Training
 * runs the same segmenter over the training mains and labels every candidate with the appliance whose
 * sub-meter explains it (or `other`), so the classifier learns what the rest of a real house looks like
 * too, not only the appliances. Class-conditional Gaussians over scale-free features (log power, log
 * duration, off/on ratio, flatness, peak ratio) with training priors give the posterior; a segment is
 * given to an appliance only when that appliance beats `other`. See docs/nilm.md for why this transfers
 * between houses better than CO and FHMM.
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
}

interface EventSigParams {
  edge: EdgeOptions;
  classes: ClassModel[];
  /** Learnt on-power per appliance (W), for the inventory and reports. */
  onPower: Record<string, number>;
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
    out.push({ label, logPrior: Math.log(rows.length / total), mean, variance, count: rows.length });
  }
  return out;
}

function logLikelihood(c: ClassModel, x: number[]): number {
  let ll = c.logPrior;
  for (let f = 0; f < x.length; f++)
    ll -= 0.5 * (Math.log(2 * Math.PI * c.variance[f]!) + (x[f]! - c.mean[f]!) ** 2 / c.variance[f]!);
  return ll;
}

/** Event detection + learnt appliance signatures + per-appliance priors. */
export const eventsigMethod: NilmMethod = {
  name: 'eventsig',
  train(houses, appliances) {
    const { edge, onPower } = edgeOptions(houses, appliances);
    const samples = new Map<string, number[][]>([['other', []]]);
    for (const h of houses) {
      for (const s of pairSegments(h.mains, detectEdges(h.mains, edge), edge)) {
        const label = labelSegment(h, s, appliances);
        const rows = samples.get(label) ?? [];
        rows.push(segmentFeatures(h.mains, s, h.periodMs));
        samples.set(label, rows);
      }
    }
    const params: EventSigParams = { edge, classes: fitClasses(samples), onPower };
    return { method: 'eventsig', version: 1, periodMs: houses[0]!.periodMs, appliances, params };
  },
  disaggregate(model, mains) {
    const p = model.params as EventSigParams;
    const out: Record<string, Float64Array> = {};
    for (const a of model.appliances) out[a] = new Float64Array(mains.length);
    const segments = pairSegments(mains, detectEdges(mains, p.edge), p.edge);
    const features = segments.map((s) => segmentFeatures(mains, s, model.periodMs));
    const classes = p.classes;
    segments.forEach((s, i) => {
      const best = classify(classes, features[i]!);
      const target = best && best.label !== 'other' ? out[best.label] : undefined;
      if (target) paintSegment(mains, s, target);
    });
    return withResidual(model.periodMs, mains, out);
  },
};

function classify(classes: ClassModel[], x: number[]): ClassModel | undefined {
  let best: ClassModel | undefined;
  let bestLl = -Infinity;
  for (const c of classes) {
    const ll = logLikelihood(c, x);
    if (ll > bestLl) {
      bestLl = ll;
      best = c;
    }
  }
  return best;
}
