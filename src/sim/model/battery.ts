/**
 * A home battery run the way self-consumption mode runs one: it charges from PV surplus only and
 * discharges to cover the home's load only (never to or from the grid), within its power rating and
 * its state-of-charge window, losing energy on the way in and on the way out.
 */
import type { Rng } from '../prng.ts';

/** One home battery. */
export interface Battery {
  /** Usable energy between empty and full, Wh. */
  capacityWh: number;
  /** Charge and discharge limit, W. */
  powerW: number;
  /** Round-trip efficiency, 0..1 (half its losses on charge, half on discharge). */
  roundTrip: number;
  /** State of charge kept as a reserve (never discharged below), 0..1. */
  minSoc: number;
  /** Highest state of charge it is charged to, 0..1. */
  maxSoc: number;
}

/** Draws a battery: 5, 10 or 13.5 kWh, 3.3-5 kW, 88-92 % round trip, 10 % reserve. */
export function drawBattery(rng: Rng): Battery {
  const capacityWh = rng.pick([5000, 10_000, 13_500]);
  return {
    capacityWh,
    powerW: capacityWh >= 10_000 ? 5000 : 3300,
    roundTrip: Math.round(rng.range(0.88, 0.92) * 1000) / 1000,
    minSoc: 0.1,
    maxSoc: 1,
  };
}

/** The flows of one day of a home with PV, per step, Wh (0.1 Wh resolution). */
export interface HomeFlows {
  /** From the grid into the home. */
  gridImport: Float64Array;
  /** From the home into the grid. */
  gridExport: Float64Array;
  /** Into the battery (from PV). */
  charge: Float64Array;
  /** Out of the battery (to the load). */
  discharge: Float64Array;
  /** State of charge at the end of each step, 0..1 (all zero without a battery). */
  soc: Float64Array;
}

/** Zeroed flow arrays for `n` steps. */
export function allocFlows(n: number): HomeFlows {
  return {
    gridImport: new Float64Array(n),
    gridExport: new Float64Array(n),
    charge: new Float64Array(n),
    discharge: new Float64Array(n),
    soc: new Float64Array(n),
  };
}

/**
 * Settles each step: PV serves the load first; a surplus charges the battery, the rest is exported;
 * a shortfall is drawn from the battery, the rest imported. Works in tenths of a Wh so that
 * load + charge + export = pv + discharge + import holds exactly for every step. Returns the state of
 * charge after the last step (start the next day with it).
 */
export function settle(
  load: Float64Array,
  pv: Float64Array,
  battery: Battery | null,
  stepMs: number,
  soc0: number,
  out: HomeFlows,
): number {
  const ef = battery ? Math.sqrt(battery.roundTrip) : 1;
  const limit = battery ? Math.floor(((battery.powerW * stepMs) / 3_600_000) * 10) : 0;
  // Stored energy in tenths of a Wh, bounded by the window.
  const lo = battery ? battery.minSoc * battery.capacityWh * 10 : 0;
  const hi = battery ? battery.maxSoc * battery.capacityWh * 10 : 0;
  let stored = battery ? Math.min(hi, Math.max(lo, soc0 * battery.capacityWh * 10)) : 0;
  for (let i = 0; i < load.length; i++) {
    const net = Math.round((load[i] as number) * 10) - Math.round((pv[i] as number) * 10);
    let charge = 0;
    let discharge = 0;
    if (battery && net < 0) {
      charge = Math.max(0, Math.min(-net, limit, Math.floor((hi - stored) / ef)));
      stored += charge * ef;
    } else if (battery && net > 0) {
      discharge = Math.max(0, Math.min(net, limit, Math.floor((stored - lo) * ef)));
      stored -= discharge / ef;
    }
    const grid = net + charge - discharge;
    out.gridImport[i] = grid > 0 ? grid / 10 : 0;
    out.gridExport[i] = grid < 0 ? -grid / 10 : 0;
    out.charge[i] = charge / 10;
    out.discharge[i] = discharge / 10;
    out.soc[i] = battery ? stored / (battery.capacityWh * 10) : 0;
  }
  return battery ? stored / (battery.capacityWh * 10) : 0;
}
