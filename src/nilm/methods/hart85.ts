/**
 * Hart's event-based method (Hart 1992; NILMTK's Hart85): detect steps in the mains, pair on and off
 * events of similar size, cluster the paired loads by power. Hart's method is unsupervised; to name
 * the clusters, each appliance is given the cluster nearest its learnt on-power (from the sub-meter),
 * as NILMTK's evaluation does when it matches Hart clusters to appliances.
 */
import type { HouseSeries, NilmMethod } from '../types.ts';
import { withResidual } from '../types.ts';
import { detectEdges, type EdgeOptions, paintSegment, pairSegments } from './edges.ts';
import { nearest, powerStates } from './kmeans.ts';
import { concatAppliance } from './states.ts';

interface HartParams {
  edge: EdgeOptions;
  /** Cluster centres of paired loads (W). */
  centres: number[];
  /** Appliance index per cluster, or -1 when no appliance claimed it. */
  owner: number[];
}

const HART_EDGE = (periodMs: number): EdgeOptions => ({
  noise: 15,
  minEdge: 70,
  maxDuration: Math.round((4 * 3_600_000) / periodMs),
  ratio: [0.65, 1.5],
});

/** NILMTK-style Hart85 with clusters named by nearest appliance on-power. */
export const hart85Method: NilmMethod = {
  name: 'hart85',
  train(houses: HouseSeries[], appliances) {
    const periodMs = houses[0]!.periodMs;
    const edge = HART_EDGE(periodMs);
    const powers: number[] = [];
    for (const h of houses)
      for (const s of pairSegments(h.mains, detectEdges(h.mains, edge), edge)) powers.push(s.power);
    const centres = powerStates(Float64Array.from(powers), 12);
    // Each appliance claims the cluster nearest its highest k-means state; the closest claim wins.
    const owner = centres.map(() => -1);
    const dist = centres.map(() => Infinity);
    appliances.forEach((a, j) => {
      const states = powerStates(concatAppliance(houses, a), 3);
      const on = states[states.length - 1]!;
      const c = nearest(centres, on);
      const d = Math.abs(centres[c]! - on);
      if (d < dist[c]!) {
        dist[c] = d;
        owner[c] = j;
      }
    });
    return {
      method: 'hart85',
      version: 1,
      periodMs,
      appliances,
      params: { edge, centres, owner } satisfies HartParams,
    };
  },
  disaggregate(model, mains, opts = {}) {
    const p = model.params as HartParams;
    const out = model.appliances.map(() => new Float64Array(mains.length));
    for (const s of pairSegments(mains, detectEdges(mains, p.edge), {
      ...p.edge,
      openEnd: opts.openEnd ?? false,
    })) {
      const j = p.owner[nearest(p.centres, s.power)]!;
      if (j >= 0) paintSegment(mains, s, out[j]!);
    }
    const rec: Record<string, Float64Array> = {};
    model.appliances.forEach((a, j) => (rec[a] = out[j]!));
    return withResidual(model.periodMs, mains, rec);
  },
};
