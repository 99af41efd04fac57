/**
 * Loadscope's own method, "event signatures": Hart-style events paired into segments, then each
 * segment is classified by a supervised model learnt from the training house's sub-meters. Training
 * runs the one-to-one segmenter over the training mains and labels every segment with the appliance
 * whose sub-meter explains it (or `other`), so the classifier learns what the rest of a real house
 * looks like too, not only the appliances. Class-conditional Gaussians over scale-free features (log
 * power, log duration, off/on ratio, flatness, peak ratio) and the mains' activity in the 20 minutes
 * after (a washing machine's spin follows its heater) give the posterior. Disaggregation pairs with
 * {@link pairSegmentsCombined}, which also splits an edge shared by two loads (a kettle and a
 * microwave switched on in the same half-minute); such a segment's unobserved shape is left out of its
 * likelihood. Before classifying a new house, two things are re-learnt from its own unlabelled
 * segments: each appliance's exact power rating (the density peak near the trained rating) and the
 * class priors (EM). See docs/nilm.md for why this transfers between houses better than CO and FHMM.
 */
import type { HouseSeries, NilmMethod } from '../types.ts';
import { withResidual } from '../types.ts';
import { detectEdges, type EdgeOptions, paintSegment, pairSegments, type Segment } from './edges.ts';
import { powerStates } from './kmeans.ts';
import { pairSegmentsCombined } from './pairing.ts';
import { featureRows } from './segment-features.ts';
import { ADAPT_ITERATIONS, adaptToHouse, calibrateRating } from './house-adaptation.ts';
import { type ClassModel, classify, fitClasses } from './signature-classes.ts';
import { concatAppliance } from './states.ts';

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

/** The appliance whose sub-meter explains a segment (its mean within 50 % of the step), or `other`. */
export function labelSegment(h: HouseSeries, s: Segment, appliances: string[]): string {
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

/** Event detection + learnt appliance signatures + per-appliance priors. */
export const eventsigMethod: NilmMethod = {
  name: 'eventsig',
  train(houses, appliances) {
    const { edge, onPower } = edgeOptions(houses, appliances);
    const samples = new Map<string, number[][]>([['other', []]]);
    for (const h of houses) {
      // One-to-one segments only: a segment split from a shared edge carries part of the other load,
      // so its sub-meter label and its shape are less certain than those of a load seen alone.
      const segments = pairSegments(h.mains, detectEdges(h.mains, edge), edge);
      const features = featureRows(h.mains, segments, h.periodMs);
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
    return { method: 'eventsig', version: 2, periodMs: houses[0]!.periodMs, appliances, params };
  },
  disaggregate(model, mains, opts = {}) {
    const p = model.params as EventSigParams;
    const out: Record<string, Float64Array> = {};
    for (const a of model.appliances) out[a] = new Float64Array(mains.length).fill(p.standby[a] ?? 0);
    const segments = pairSegmentsCombined(mains, detectEdges(mains, p.edge), {
      ...p.edge,
      openEnd: opts.openEnd ?? false,
    });
    const features = featureRows(mains, segments, model.periodMs);
    const classes = adaptToHouse(
      p.classes.map((c) => calibrateRating(c, features)),
      features,
      ADAPT_ITERATIONS,
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
