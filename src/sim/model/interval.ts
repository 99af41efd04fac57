/**
 * Interval meters in seed 002's UtilityAPI style: electricity energy per interval (households and
 * businesses), gas volume and water volume per hour. Values depend on the local hour, the weekday,
 * the season and a per-sample random factor drawn by counter-based hashing (random access by sample).
 */
import { unitAt } from '../prng.ts';
import type { DayFrame } from './frame.ts';

/**
 * Whole-house energy per local hour divided by the daily mean: AMPds WHE over two years
 * (`calibrate.ts`, `ampds.hourShape`). Mean exactly 1 over the 24 hours.
 */
export const HOUSEHOLD_HOUR_SHAPE = normalise([
  0.588, 0.598, 0.62, 0.642, 0.664, 0.672, 0.733, 1.301, 0.989, 1.02, 0.972, 0.991, 0.952, 0.997, 1.048,
  1.071, 1.213, 1.286, 1.253, 1.43, 1.271, 1.387, 1.446, 0.857,
]);

/** Seed 002: 901 kWh a month on average per household (EIA), i.e. this many Wh per 5 minutes. */
export const HOUSEHOLD_MEAN_WH_PER_5MIN = 901_000 / ((365.25 / 12) * 288);
/** Seed 002: at most 1,273 kWh a month per household. */
export const HOUSEHOLD_MAX_MONTH_KWH = 1273;
/** Seed 002: household readings lie in 0..0.2 kWh per 5 minutes. */
export const HOUSEHOLD_MAX_WH_PER_5MIN = 200;
/**
 * Compensates the energy removed by clipping at 200 Wh and by the capped household scale: over 500
 * households and the year 2023 (seed 99) the mean month was 898.5 kWh without it, 902.1 kWh with it.
 */
export const HOUSEHOLD_CLIP_CORRECTION = 1.004;

/** Businesses: open 8-18 on weekdays at full load, half load on Saturdays 10-16 for shops, 25 % base. */
export function businessShape(localHour: number, weekday: number, shop: boolean): number {
  if (weekday >= 1 && weekday <= 5) return localHour >= 8 && localHour < 18 ? 1 : 0.25;
  if (weekday === 6 && shop) return localHour >= 10 && localHour < 16 ? 0.6 : 0.25;
  return 0.25;
}

/** Mean of {@link businessShape} over a week. */
export function businessShapeMean(shop: boolean): number {
  let s = 0;
  for (let d = 0; d < 7; d++) for (let h = 0; h < 24; h++) s += businessShape(h, d, shop);
  return s / 168;
}

/** Water use per local hour relative to the daily mean (morning and evening peaks). */
export const WATER_HOUR_SHAPE = normalise([
  0.2, 0.1, 0.1, 0.1, 0.2, 0.6, 1.8, 2.6, 2.0, 1.3, 1.0, 0.9, 1.0, 0.9, 0.8, 0.8, 1.0, 1.3, 1.6, 1.7, 1.5,
  1.3, 0.9, 0.4,
]);

function normalise(v: number[]): Float64Array {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return Float64Array.from(v, (x) => x / mean);
}

/** Parameters of one interval meter. */
export type IntervalModel =
  | {
      kind: 'household';
      /** Mean Wh per 5 minutes of this household before season and clipping. */
      meanWh5: number;
      /** Extra constant (flat-24-7) or office-hours load of an unusual home, W; 0 for none. */
      extraW: number;
      extraHoursOnly: boolean;
      /** Heavy value factor (1 for normal meters). */
      valueFactor: number;
    }
  | { kind: 'business'; meanW: number; shop: boolean; shapeMean: number; valueFactor: number }
  | { kind: 'gas'; baseM3PerDay: number; m3PerDegreeDay: number }
  | { kind: 'water'; litresPerDay: number; business: boolean };

/**
 * Renders one interval channel for one UTC day into `out`: the samples `first .. first + out.length`
 * of `frame`, rounded: electricity to 0.1 Wh, gas to 0.001 m3, water to 0.1 L.
 */
export function renderInterval(
  m: IntervalModel,
  key: number,
  frame: DayFrame,
  out: Float64Array,
  first = 0,
): void {
  const n = out.length;
  const day = frame.day;
  const hour = frame.hour.subarray(first);
  const weekday = frame.weekday.subarray(first);
  const temp = frame.temp.subarray(first);
  const stepH = frame.stepMs / 3_600_000;
  switch (m.kind) {
    case 'household': {
      const per5 = m.meanWh5 * frame.householdSeason * HOUSEHOLD_CLIP_CORRECTION;
      const scale = (frame.stepMs / 300_000) * m.valueFactor;
      const cap = HOUSEHOLD_MAX_WH_PER_5MIN * scale;
      const extraWh = m.extraW * stepH;
      for (let i = 0; i < n; i++) {
        const h = hour[i] as number;
        const u = unitAt(key, day, i + first);
        let v = per5 * scale * (HOUSEHOLD_HOUR_SHAPE[h] as number) * (0.55 + 0.9 * u);
        if (v > cap) v = cap;
        if (extraWh > 0 && (!m.extraHoursOnly || (h >= 8 && h < 18 && (weekday[i] as number) % 6 !== 0)))
          v += extraWh;
        out[i] = Math.round(v * 10) / 10;
      }
      break;
    }
    case 'business': {
      const whPerStep = (m.meanW / m.shapeMean) * stepH * m.valueFactor;
      for (let i = 0; i < n; i++) {
        const u = unitAt(key, day, i + first);
        const v =
          whPerStep * businessShape(hour[i] as number, weekday[i] as number, m.shop) * (0.8 + 0.4 * u);
        out[i] = Math.round(v * 10) / 10;
      }
      break;
    }
    case 'gas': {
      // Space heating in proportion to degree-days below 15.5 C, plus cooking and hot water.
      for (let i = 0; i < n; i++) {
        const u = unitAt(key, day, i + first);
        const heat = Math.max(0, 15.5 - (temp[i] as number)) * m.m3PerDegreeDay;
        const base = m.baseM3PerDay * (HOUSEHOLD_HOUR_SHAPE[hour[i] as number] as number);
        const v = ((heat + base) / 24) * (frame.stepMs / 3_600_000) * (0.7 + 0.6 * u);
        out[i] = Math.round(v * 1000) / 1000;
      }
      break;
    }
    case 'water': {
      const bm = businessShapeMean(true);
      for (let i = 0; i < n; i++) {
        const u = unitAt(key, day, i + first);
        const h = hour[i] as number;
        const shape = m.business
          ? businessShape(h, weekday[i] as number, true) / bm
          : (WATER_HOUR_SHAPE[h] as number);
        const v = (m.litresPerDay / 24) * stepH * shape * (0.5 + u);
        out[i] = Math.round(v * 10) / 10;
      }
      break;
    }
  }
}
