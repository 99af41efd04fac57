/** Shared training step of CO and FHMM: per-appliance power states from the sub-metered series. */
import type { HouseSeries } from '../types.ts';
import { powerStates } from './kmeans.ts';

/** Concatenates one appliance's valid samples over several houses. */
export function concatAppliance(houses: HouseSeries[], appliance: string): Float64Array {
  const parts = houses.map((h) => h.appliances[appliance]).filter((s): s is Float64Array => s !== undefined);
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Power states (W, ascending) per appliance, `k` k-means clusters each (NILMTK uses up to 3). */
export function applianceStates(houses: HouseSeries[], appliances: string[], k = 3): number[][] {
  return appliances.map((a) => {
    const states = powerStates(concatAppliance(houses, a), k);
    // The lowest state is "off": pin it to at least 0 so CO/FHMM can predict nothing.
    states[0] = Math.max(0, states[0]!);
    return states;
  });
}
