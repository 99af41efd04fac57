/**
 * Turns a disaggregation into what the store keeps per facility: appliance power series (averaged to a
 * coarser period), energy per appliance per local day, and the detected appliance inventory.
 */
import type { ApplianceDailyEnergy, ApplianceInventoryItem, ApplianceSeries } from '../store/ports/nilm.ts';
import { dayLabel, localDays } from '../util/time/index.ts';
import type { Disaggregation } from './types.ts';

/** Energy per appliance per local day; coverage is the share of the day's samples with mains. */
export function dailyEnergy(
  d: Disaggregation,
  t0: number,
  facilityId: string,
  timeZone: string,
  modelId: string,
): ApplianceDailyEnergy[] {
  const dayOf = localDays(timeZone).dayOf;
  const out: ApplianceDailyEnergy[] = [];
  const hours = d.periodMs / 3_600_000;
  for (const [appliance, p] of Object.entries(d.appliances)) {
    let day = NaN;
    let wh = 0;
    let valid = 0;
    let slots = 0;
    const flush = (): void => {
      if (slots)
        out.push({
          facilityId,
          appliance,
          day: dayLabel(day),
          energyWh: wh,
          coverage: valid / slots,
          modelId,
        });
    };
    for (let i = 0; i < p.length; i++) {
      const l = dayOf(t0 + i * d.periodMs);
      if (l !== day) {
        flush();
        day = l;
        wh = 0;
        valid = 0;
        slots = 0;
      }
      slots++;
      if (!Number.isNaN(p[i]!)) {
        wh += p[i]! * hours;
        valid++;
      }
    }
    flush();
  }
  return out;
}

/** Appliance series averaged over `periodMs` (a multiple of the disaggregation's period). */
export function applianceSeries(
  d: Disaggregation,
  t0: number,
  facilityId: string,
  periodMs: number,
): ApplianceSeries[] {
  const step = Math.max(1, Math.round(periodMs / d.periodMs));
  return Object.entries(d.appliances).map(([appliance, p]) => {
    const n = Math.ceil(p.length / step);
    const ts = new Float64Array(n);
    const power = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      let sum = 0;
      let c = 0;
      for (let i = k * step; i < Math.min(p.length, (k + 1) * step); i++) {
        if (!Number.isNaN(p[i]!)) {
          sum += p[i]!;
          c++;
        }
      }
      ts[k] = t0 + k * step * d.periodMs;
      power[k] = c ? sum / c : NaN;
    }
    return { facilityId, appliance, ts, power };
  });
}

/**
 * Appliances seen in a disaggregation. Confidence grows with the number of detected activations
 * (1 - e^(-n/5): one run is a hint, a dozen is a fact) and is halved when the on-power varies more
 * than 50 % between activations, which is what a mis-assigned load looks like.
 */
export function inventory(
  d: Disaggregation,
  facilityId: string,
  modelId: string,
  now: number,
  onThreshold = 10,
): ApplianceInventoryItem[] {
  const days = (Object.values(d.appliances)[0]?.length ?? 0) * (d.periodMs / 86_400_000);
  const items: ApplianceInventoryItem[] = [];
  for (const [appliance, p] of Object.entries(d.appliances)) {
    const peaks: number[] = [];
    let peak = 0;
    for (let i = 0; i <= p.length; i++) {
      const v = i < p.length ? p[i]! : 0;
      if (v >= onThreshold) peak = Math.max(peak, v);
      else if (peak > 0) {
        peaks.push(peak);
        peak = 0;
      }
    }
    if (peaks.length === 0) continue;
    peaks.sort((a, b) => a - b);
    const median = peaks[Math.floor(peaks.length / 2)]!;
    const spread = (peaks[Math.floor(peaks.length * 0.9)]! - peaks[Math.floor(peaks.length * 0.1)]!) / median;
    const confidence = (1 - Math.exp(-peaks.length / 5)) * (spread > 0.5 ? 0.5 : 1);
    items.push({
      facilityId,
      appliance,
      confidence,
      onPowerW: median,
      activationsPerDay: days > 0 ? peaks.length / days : 0,
      modelId,
      updatedAt: now,
    });
  }
  return items.sort((a, b) => b.confidence - a.confidence);
}
