/**
 * Ground truth of a fleet over a time range: the static truth (appliance channels, unusual homes,
 * heavy meters) plus the spikes injected in that range. The same object is written beside the data
 * as files (`output/truth-files.ts`).
 */
import type { Fleet, StaticTruth } from './fleet.ts';
import { DAY_MS } from './model/calendar.ts';
import type { Spike } from './model/spikes.ts';
import { houseSpikes, solarDayOf } from './render.ts';

export type { Spike } from './model/spikes.ts';

/** Everything known about a fleet's data over [from, to). */
export interface FleetTruth extends StaticTruth {
  seed: number;
  from: number;
  to: number;
  /** Spikes overlapping [from, to), by start time then channel. */
  spikes: Spike[];
  /** Energy totals of every solar home over [from, to). */
  solar: SolarTotals[];
}

/** True energy of one solar home over a range, Wh. */
export interface SolarTotals {
  meterId: string;
  facilityId: string;
  /** The home's consumption. */
  load: number;
  /** PV generation. */
  pv: number;
  gridImport: number;
  gridExport: number;
  batteryCharge: number;
  batteryDischarge: number;
  /** PV used on site, directly or through the battery: pv - export. */
  selfConsumed: number;
}

/** The true energy flows of each solar home over [from, to) (samples starting in the range). */
export function solarTotalsBetween(
  fleet: Fleet,
  from: number,
  to: number,
  meterIds?: ReadonlySet<string>,
): SolarTotals[] {
  const out: SolarTotals[] = [];
  for (const home of fleet.truth.solarHomes) {
    if (meterIds && !meterIds.has(home.meterId)) continue;
    const m = fleet.sim.find((s) => s.meter.id === home.meterId);
    if (!m) continue;
    const t: SolarTotals = {
      meterId: home.meterId,
      facilityId: home.facilityId,
      load: 0,
      pv: 0,
      gridImport: 0,
      gridExport: 0,
      batteryCharge: 0,
      batteryDischarge: 0,
      selfConsumed: 0,
    };
    for (let day = Math.floor(from / DAY_MS); day * DAY_MS < to; day++) {
      const d = solarDayOf(fleet, m, day);
      for (let i = 0; i < d.load.length; i++) {
        const ts = d.t0 + i * d.stepMs;
        if (ts < from || ts >= to) continue;
        t.load += d.load[i] as number;
        t.pv += d.pv[i] as number;
        t.gridImport += d.flows.gridImport[i] as number;
        t.gridExport += d.flows.gridExport[i] as number;
        t.batteryCharge += d.flows.charge[i] as number;
        t.batteryDischarge += d.flows.discharge[i] as number;
      }
    }
    t.selfConsumed = t.pv - t.gridExport;
    out.push(t);
  }
  return out;
}

/** Spikes injected into samples in [from, to), ordered by start then channel id. */
export function spikesBetween(
  fleet: Fleet,
  from: number,
  to: number,
  meterIds?: ReadonlySet<string>,
): Spike[] {
  const out: Spike[] = [];
  const first = fleet.calendar.localDayOf(from) - 1;
  const last = fleet.calendar.localDayOf(Math.max(from, to - 1)) + 1;
  for (const m of fleet.sim) {
    if (m.model.kind !== 'house' || (meterIds && !meterIds.has(m.meter.id))) continue;
    for (let l = first; l <= last; l++) {
      for (const s of houseSpikes(fleet, m, m.model.house, m.model.stepMs, l))
        if (s.end > from && s.start < to) out.push(s);
    }
  }
  return out.sort(
    (a, b) => a.start - b.start || (a.channelId < b.channelId ? -1 : a.channelId > b.channelId ? 1 : 0),
  );
}

/** The full truth over [from, to). */
export function buildTruth(fleet: Fleet, from: number, to: number): FleetTruth {
  return {
    seed: fleet.options.seed,
    from,
    to,
    ...fleet.truth,
    spikes: spikesBetween(fleet, from, to),
    solar: solarTotalsBetween(fleet, from, to),
  };
}

/** Whole UTC days covering [from, to), for callers that align ranges. */
export function dayRange(from: number, to: number): { from: number; to: number } {
  return { from: Math.floor(from / DAY_MS) * DAY_MS, to: Math.ceil(to / DAY_MS) * DAY_MS };
}
