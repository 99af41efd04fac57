/**
 * Outdoor temperature: an annual cosine (coldest around 20 January), a daily cycle (warmest at 15:00
 * local) and a smooth weather anomaly that wanders from day to day. It drives heating, cooling and gas.
 */
import { hash32 } from '../prng.ts';
import type { Region } from '../options.ts';
import { DAY_MS, dayOfYear } from './calendar.ts';

/** Temperature model of one region and seed. */
export interface Climate {
  /** Outdoor temperature in deg C at UTC `t`, with `localHour` the local hour of day (0..24). */
  tempAt(t: number, localHour: number): number;
  /** Mean temperature of the UTC day containing `t`, deg C. */
  dailyMean(t: number): number;
}

/** Day-to-day weather anomaly: a sum of pseudo-random bumps, smooth over a few days, sd about 3 C. */
function anomaly(seed: number, day: number): number {
  let s = 0;
  for (let k = -3; k <= 3; k++) {
    const u = hash32(seed, 0x7e47, day + k) / 4294967296 - 0.5;
    s += u * (4 - Math.abs(k));
  }
  return s * 1.1;
}

/** Creates the {@link Climate} of a region. */
export function createClimate(region: Region, seed: number): Climate {
  const dailyMean = (t: number): number => {
    const doy = dayOfYear(t);
    const day = Math.floor(t / DAY_MS);
    return (
      region.meanTempC -
      region.seasonalAmplitudeC * Math.cos((2 * Math.PI * (doy - 20)) / 365.25) +
      anomaly(seed, day)
    );
  };
  return {
    dailyMean,
    tempAt(t, localHour) {
      return dailyMean(t) + 4 * Math.cos((2 * Math.PI * (localHour - 15)) / 24);
    },
  };
}
