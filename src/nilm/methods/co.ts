/**
 * Combinatorial optimisation (Hart 1992; NILMTK's CO): each appliance has a few power states learnt by
 * k-means; at each sample, the combination of states whose sum is closest to the mains wins.
 */
import type { NilmMethod } from '../types.ts';
import { withResidual } from '../types.ts';
import { applianceStates } from './states.ts';

interface CoParams {
  states: number[][];
}

/** Builds every state combination sorted by total power: [sums, combination index per sorted slot]. */
function combinations(states: number[][]): { sums: Float64Array; combos: Uint16Array[] } {
  let combos: number[][] = [[]];
  for (const s of states) combos = combos.flatMap((c) => s.map((_, j) => [...c, j]));
  const withSum = combos.map((c) => ({ c, sum: c.reduce((acc, j, a) => acc + states[a]![j]!, 0) }));
  withSum.sort((x, y) => x.sum - y.sum);
  return {
    sums: Float64Array.from(withSum.map((w) => w.sum)),
    combos: withSum.map((w) => Uint16Array.from(w.c)),
  };
}

/** NILMTK-style CO. */
export const coMethod: NilmMethod = {
  name: 'co',
  train(houses, appliances) {
    return {
      method: 'co',
      version: 1,
      periodMs: houses[0]!.periodMs,
      appliances,
      params: { states: applianceStates(houses, appliances) } satisfies CoParams,
    };
  },
  disaggregate(model, mains) {
    const { states } = model.params as CoParams;
    const { sums, combos } = combinations(states);
    const out = model.appliances.map(() => new Float64Array(mains.length));
    const n = sums.length;
    for (let i = 0; i < mains.length; i++) {
      const m = mains[i]!;
      if (Number.isNaN(m)) continue;
      // Binary search for the nearest total.
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sums[mid]! < m) lo = mid + 1;
        else hi = mid;
      }
      if (lo > 0 && Math.abs(sums[lo - 1]! - m) <= Math.abs(sums[lo]! - m)) lo--;
      const combo = combos[lo]!;
      for (let a = 0; a < out.length; a++) out[a]![i] = states[a]![combo[a]!]!;
    }
    const rec: Record<string, Float64Array> = {};
    model.appliances.forEach((a, j) => (rec[a] = out[j]!));
    return withResidual(model.periodMs, mains, rec);
  },
};
