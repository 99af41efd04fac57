import { percentile } from './stats.ts';
import type { FacilityData, FacilityFeatures } from './types.ts';

/** Computes the features products and peer groups use from a facility's hourly energy. */
export function computeFeatures(
  d: Pick<FacilityData, 'hourly' | 'hourOfDay' | 'weekday' | 'alerts'>,
): FacilityFeatures {
  let hours = 0;
  let total = 0;
  let business = 0;
  let weekdaySum = 0;
  let weekdayN = 0;
  let weekendSum = 0;
  let weekendN = 0;
  let nightSum = 0;
  let nightN = 0;
  let eveningSum = 0;
  let eveningN = 0;
  for (let i = 0; i < d.hourly.length; i++) {
    const e = d.hourly[i] as number;
    if (!Number.isFinite(e)) continue;
    const h = d.hourOfDay[i] as number;
    const wd = d.weekday[i] as number;
    hours++;
    total += e;
    if (wd < 5) {
      weekdaySum += e;
      weekdayN++;
      if (h >= 8 && h < 18) business += e;
    } else {
      weekendSum += e;
      weekendN++;
    }
    if (h < 5) {
      nightSum += e;
      nightN++;
    } else if (h >= 17 && h < 22) {
      eveningSum += e;
      eveningN++;
    }
  }
  // An hour's energy in Wh equals its mean power in W.
  const baseW = percentile(d.hourly, 10);
  const peakW = percentile(d.hourly, 95);
  const mean = (s: number, n: number) => (n > 0 ? s / n : Number.NaN);
  return {
    hours,
    dailyKwh: hours > 0 ? ((total / hours) * 24) / 1000 : Number.NaN,
    baseW,
    peakW,
    flatness: peakW > 0 ? baseW / peakW : Number.NaN,
    businessShare: total > 0 ? business / total : Number.NaN,
    weekendRatio: mean(weekendSum, weekendN) / mean(weekdaySum, weekdayN),
    nightEveningRatio: mean(nightSum, nightN) / mean(eveningSum, eveningN),
    alertsPerMonth: hours > 0 ? d.alerts / (hours / 720) : Number.NaN,
  };
}
