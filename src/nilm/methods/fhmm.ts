/**
 * Factorial HMM (Kolter & Jaakkola 2012; NILMTK's FHMM): one HMM per appliance whose states are
 * k-means power levels with learnt transition matrices; the mains are Gaussian around the sum of the
 * chosen states' means (variances add). Inference is exact Viterbi over the joint state, with the max
 * over the previous joint state taken one appliance at a time (the transition factorises), so a step
 * costs A x C x K instead of C x C.
 */
import type { HouseSeries, NilmMethod } from '../types.ts';
import { withResidual } from '../types.ts';
import { nearest } from './kmeans.ts';
import { applianceStates, concatAppliance } from './states.ts';

interface FhmmParams {
  /** Per appliance: state means (W). */
  means: number[][];
  /** Per appliance: state variances (W^2). */
  variances: number[][];
  /** Per appliance: log transition matrix, row = from. */
  logA: number[][][];
  /** Per appliance: log initial distribution. */
  logPi: number[][];
}

function trainAppliance(
  series: Float64Array,
  means: number[],
): { variances: number[]; logA: number[][]; logPi: number[] } {
  const k = means.length;
  const counts = Array.from({ length: k }, () => new Float64Array(k).fill(1));
  const occ = new Float64Array(k).fill(1);
  const sq = new Float64Array(k);
  let prev = -1;
  for (let i = 0; i < series.length; i++) {
    const v = series[i]!;
    if (Number.isNaN(v)) {
      prev = -1;
      continue;
    }
    const s = nearest(means, v);
    occ[s]!++;
    sq[s]! += (v - means[s]!) ** 2;
    if (prev >= 0) counts[prev]![s]!++;
    prev = s;
  }
  const total = occ.reduce((a, b) => a + b, 0);
  return {
    variances: means.map((_, s) => Math.max(100, sq[s]! / occ[s]!)),
    logA: counts.map((row) => {
      const sum = row.reduce((a, b) => a + b, 0);
      return Array.from(row, (c) => Math.log(c / sum));
    }),
    logPi: Array.from(occ, (o) => Math.log(o / total)),
  };
}

/** Viterbi over one gap-free run of the mains; writes each appliance's state means into `out`. */
function viterbiRun(
  p: FhmmParams,
  mains: Float64Array,
  start: number,
  end: number,
  out: Float64Array[],
): void {
  const A = p.means.length;
  const K = p.means.map((m) => m.length);
  const strides: number[] = [];
  let C = 1;
  for (let a = A - 1; a >= 0; a--) {
    strides[a] = C;
    C *= K[a]!;
  }
  const digit = (c: number, a: number): number => Math.floor(c / strides[a]!) % K[a]!;
  const mu = new Float64Array(C);
  const varSum = new Float64Array(C);
  const logPi = new Float64Array(C);
  for (let c = 0; c < C; c++)
    for (let a = 0; a < A; a++) {
      const d = digit(c, a);
      mu[c]! += p.means[a]![d]!;
      varSum[c]! += p.variances[a]![d]!;
      logPi[c]! += p.logPi[a]![d]!;
    }
  const logNorm = Float64Array.from(varSum, (v) => -0.5 * Math.log(2 * Math.PI * v));
  const T = end - start;
  const back = C <= 256 ? new Uint8Array(T * C) : new Uint16Array(T * C);
  let delta = new Float64Array(C);
  let next = new Float64Array(C);
  let origin = new Int32Array(C);
  let origin2 = new Int32Array(C);
  for (let c = 0; c < C; c++)
    delta[c] = logPi[c]! + logNorm[c]! - (mains[start]! - mu[c]!) ** 2 / (2 * varSum[c]!);
  for (let t = 1; t < T; t++) {
    for (let c = 0; c < C; c++) origin[c] = c;
    for (let a = 0; a < A; a++) {
      const st = strides[a]!;
      const k = K[a]!;
      const lA = p.logA[a]!;
      for (let c = 0; c < C; c++) {
        const cur = Math.floor(c / st) % k;
        const base = c - cur * st;
        let best = -Infinity;
        let arg = 0;
        for (let j = 0; j < k; j++) {
          const v = delta[base + j * st]! + lA[j]![cur]!;
          if (v > best) {
            best = v;
            arg = base + j * st;
          }
        }
        next[c] = best;
        origin2[c] = origin[arg]!;
      }
      [delta, next] = [next, delta];
      [origin, origin2] = [origin2, origin];
    }
    const m = mains[start + t]!;
    for (let c = 0; c < C; c++) {
      delta[c]! += logNorm[c]! - (m - mu[c]!) ** 2 / (2 * varSum[c]!);
      back[t * C + c] = origin[c]!;
    }
  }
  let c = 0;
  for (let j = 1; j < C; j++) if (delta[j]! > delta[c]!) c = j;
  for (let t = T - 1; t >= 0; t--) {
    for (let a = 0; a < A; a++) out[a]![start + t] = p.means[a]![digit(c, a)]!;
    if (t > 0) c = back[t * C + c]!;
  }
}

/** NILMTK-style FHMM with exact Viterbi inference. */
export const fhmmMethod: NilmMethod = {
  name: 'fhmm',
  train(houses: HouseSeries[], appliances) {
    const means = applianceStates(houses, appliances);
    const per = appliances.map((a, j) => trainAppliance(concatAppliance(houses, a), means[j]!));
    const params: FhmmParams = {
      means,
      variances: per.map((p) => p.variances),
      logA: per.map((p) => p.logA),
      logPi: per.map((p) => p.logPi),
    };
    return { method: 'fhmm', version: 1, periodMs: houses[0]!.periodMs, appliances, params };
  },
  disaggregate(model, mains) {
    const p = model.params as FhmmParams;
    const out = model.appliances.map(() => new Float64Array(mains.length));
    let i = 0;
    while (i < mains.length) {
      if (Number.isNaN(mains[i]!)) {
        i++;
        continue;
      }
      let j = i;
      while (j < mains.length && !Number.isNaN(mains[j]!)) j++;
      // Long runs are cut into pieces of 200,000 samples to bound the back-pointer memory.
      for (let s = i; s < j; s += 200_000) viterbiRun(p, mains, s, Math.min(j, s + 200_000), out);
      i = j;
    }
    const rec: Record<string, Float64Array> = {};
    model.appliances.forEach((a, j) => (rec[a] = out[j]!));
    return withResidual(model.periodMs, mains, rec);
  },
};
