/**
 * Rooftop PV: a home's array (size, tilt, orientation, inverter), the region's sky (a clearness per
 * hour shared by every home, drawn by counter-based hashing so any day renders alone) and the array's
 * energy per sampling step. Output = kWp x plane irradiance / 1000 W/m2 x 0.86 (inverter, wiring,
 * soiling, mismatch) x (1 - 0.4 %/C above a 25 C cell), clipped at the inverter's rating.
 */
import type { Rng } from '../prng.ts';
import { hash32, unitAt } from '../prng.ts';
import { HOUR_MS } from './calendar.ts';
import { planeIrradiance, sunVector } from './sun.ts';

/** One home's PV array. */
export interface PvArray {
  /** Peak power under standard test conditions, W. */
  peakW: number;
  /** Degrees from horizontal. */
  tiltDeg: number;
  /** Degrees clockwise from north; 180 faces south. */
  azimuthDeg: number;
  /** AC limit of the inverter, W. */
  inverterW: number;
}

/** Where the sky is: a site and the seed of its weather. */
export interface Site {
  latitude: number;
  longitude: number;
  /** Seed of the clearness draws (the fleet's seed: every home sees the same sky). */
  seed: number;
}

/** Losses between the module's rating and the meter (inverter 96 %, wiring, soiling, mismatch). */
export const SYSTEM_EFFICIENCY = 0.86;
/** Module power temperature coefficient, per degree C above 25 C. */
const TEMP_COEFF = 0.004;
/** Cell warming above the air per W/m2 on the plane (about 25 C at 800 W/m2). */
const CELL_RISE = 0.03;

/** Draws a residential array: about 6 kWp (3-12), tilt 15-40 degrees, facing south +- 60 degrees. */
export function drawPvArray(rng: Rng): PvArray {
  const peakW = Math.round(Math.min(12_000, Math.max(3000, 6000 * Math.exp(0.3 * rng.normal()))) / 100) * 100;
  return {
    peakW,
    tiltDeg: Math.round(rng.range(15, 40)),
    azimuthDeg: Math.round(Math.min(240, Math.max(120, 180 + 30 * rng.normal()))),
    inverterW: Math.round((peakW * rng.range(0.8, 1)) / 100) * 100,
  };
}

/** Clearness of one UTC hour (0.05..1): a day's cover plus hour-to-hour passing cloud. */
function hourClearness(seed: number, hour: number): number {
  const day = Math.floor(hour / 24);
  const cover = unitAt(hash32(seed, 0x5c1e), day, 0);
  // Mean 0.63: about what New York's sunshine hours give (2,500 of 4,400 possible a year).
  const dayClear = 1 - 0.85 * cover ** 1.3;
  const spread = 2 * dayClear * (1 - dayClear);
  const u = unitAt(hash32(seed, 0x5c1f), day, hour - day * 24);
  return Math.min(1, Math.max(0.05, dayClear + spread * (2 * u - 1)));
}

/** Clearness of the sky at UTC `t`: hourly values joined linearly, so it changes smoothly. */
export function clearnessAt(seed: number, t: number): number {
  const x = t / HOUR_MS - 0.5;
  const h = Math.floor(x);
  const f = x - h;
  return hourClearness(seed, h) * (1 - f) + hourClearness(seed, h + 1) * f;
}

/** AC output of `pv` at UTC `t`, W, at air temperature `tempC`. */
export function pvPowerAt(pv: PvArray, site: Site, t: number, tempC: number): number {
  const sun = sunVector(t, site.latitude, site.longitude);
  if (sun.up <= 0) return 0;
  const poa = planeIrradiance(sun, pv, clearnessAt(site.seed, t));
  const cell = tempC + CELL_RISE * poa;
  const w = (pv.peakW * poa * SYSTEM_EFFICIENCY * (1 - TEMP_COEFF * (cell - 25))) / 1000;
  return Math.min(pv.inverterW, Math.max(0, w));
}

/**
 * Energy of `pv` per step, Wh, into `out`: sample i covers [t0 + i step, t0 + (i + 1) step) and is
 * valued at its middle; `temp[i]` is the air temperature of sample i. Rounded to 0.1 Wh.
 */
export function renderPv(
  pv: PvArray,
  site: Site,
  t0: number,
  stepMs: number,
  temp: Float32Array,
  out: Float64Array,
): void {
  const hours = stepMs / HOUR_MS;
  for (let i = 0; i < out.length; i++) {
    const w = pvPowerAt(pv, site, t0 + (i + 0.5) * stepMs, temp[i] as number);
    out[i] = Math.round(w * hours * 10) / 10;
  }
}
