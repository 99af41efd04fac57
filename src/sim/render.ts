/**
 * Rendering one meter for one UTC day: every channel's values on its sampling grid. Appliance-level
 * houses are the sum of their appliance pulses (plus injected spikes) and mains is the sum of the
 * appliance channels, each rounded to 1/8 W so that the sum is exact in any order.
 */
import type { Fleet, SimMeter } from './fleet.ts';
import type { ApplianceName, HouseParams } from './model/appliances.ts';
import { DAY_MS, dayOfYear, weekday } from './model/calendar.ts';
import { renderInterval } from './model/interval.ts';
import { type SolarDay, renderSolarDay, solarChannelValues } from './model/solar-home.ts';
import { type Pulses, renderPulses } from './model/pulses.ts';
import { type DayContext, scheduleDay } from './model/schedule.ts';
import { type Spike, spikesOfDay } from './model/spikes.ts';
import { createRng, hash32, unitAt } from './prng.ts';

/** One meter-day: `values[k]` holds channel `sim.channels[k]`'s samples at `t0 + i * stepMs`. */
export interface MeterDay {
  t0: number;
  stepMs: number;
  values: Float64Array[];
}

/** The local days whose schedules can reach into UTC day `day` (events may run past midnight). */
function localDaysTouching(fleet: Fleet, day: number): number[] {
  const first = fleet.calendar.localDayOf(day * DAY_MS) - 1;
  const last = fleet.calendar.localDayOf((day + 1) * DAY_MS - 1);
  const out: number[] = [];
  for (let l = first; l <= last; l++) out.push(l);
  return out;
}

function dayContext(fleet: Fleet, localDay: number): DayContext {
  const start = fleet.calendar.localDayStart(localDay);
  const end = fleet.calendar.localDayStart(localDay + 1);
  const wd = weekday(localDay);
  return {
    start,
    end,
    weekend: wd === 0 || wd === 6,
    doy: dayOfYear(start + 12 * 3_600_000),
    temp: (t) => fleet.climate.tempAt(t, ((t - start) / 3_600_000) % 24),
  };
}

/**
 * UTC day `day` of a solar home, whole (its battery runs through the day): the true load and PV and
 * the flows the meters see. Throws for a meter without PV.
 */
export function solarDayOf(fleet: Fleet, m: SimMeter, day: number): SolarDay {
  const { model } = m;
  if (model.kind !== 'interval' || !model.solar) throw new Error(`meter ${m.meter.id} has no PV`);
  const { region, seed } = fleet.options;
  return renderSolarDay(
    model.solar,
    { latitude: region.latitude, longitude: region.longitude, seed: seed >>> 0 },
    model.stepMs,
    day,
    {
      load: (d) => {
        const v = new Float64Array(DAY_MS / model.stepMs);
        renderInterval(model.interval, m.key, fleet.frame(d, model.stepMs), v);
        return v;
      },
      temp: (d) => fleet.frame(d, model.stepMs).temp,
    },
  );
}

/** Spikes of one appliance-level house in the local day `localDay`. */
export function houseSpikes(
  fleet: Fleet,
  m: SimMeter,
  house: HouseParams,
  stepMs: number,
  localDay: number,
): Spike[] {
  const ctx = dayContext(fleet, localDay);
  return spikesOfDay({
    seed: fleet.options.seed >>> 0,
    meterIndex: m.index,
    localDay,
    dayStart: ctx.start,
    dayEnd: ctx.end,
    house,
    perDay: fleet.options.spikesPerHouseDay,
    minSpikeMs: fleet.options.minSpikeMs,
    sampleMs: stepMs,
    channelId: (a) => `${m.meter.id}.${a}`,
    meterId: m.meter.id,
  });
}

/**
 * Schedules of recent local days per house, reused by the next UTC day (each local day touches up to
 * three UTC days). Bounded: cleared when it holds more than `limit` entries.
 */
export class ScheduleCache {
  private readonly map = new Map<number, Map<ApplianceName, Pulses>>();
  constructor(private readonly limit = 60_000) {}
  get(
    meterIndex: number,
    localDay: number,
    make: () => Map<ApplianceName, Pulses>,
  ): Map<ApplianceName, Pulses> {
    const key = meterIndex * 100_000 + (localDay % 100_000);
    let v = this.map.get(key);
    if (!v) {
      if (this.map.size >= this.limit) this.map.clear();
      this.map.set(key, (v = make()));
    }
    return v;
  }
}

/**
 * Reusable sample arrays for callers that copy a meter-day out before rendering the next one (the
 * generator); it saves most of the garbage collection.
 */
export class Scratch {
  private readonly pool = new Map<number, Float64Array[]>();
  /** `count` zeroed arrays of length `n`, valid until the next call. */
  arrays(n: number, count: number): Float64Array[] {
    let list = this.pool.get(n);
    if (!list) this.pool.set(n, (list = []));
    while (list.length < count) list.push(new Float64Array(n));
    const out = list.slice(0, count);
    for (const a of out) a.fill(0);
    return out;
  }
}

/**
 * Renders every channel of meter `m` for UTC day `day` (into `scratch` arrays when given); `span`
 * limits it to the samples [first, first + count) of the day, with the same values as a full day.
 */
export function renderMeterDay(
  fleet: Fleet,
  m: SimMeter,
  day: number,
  cache?: ScheduleCache,
  scratch?: Scratch,
  span?: { first: number; count: number },
): MeterDay {
  const { model } = m;
  const first = span?.first ?? 0;
  const t0 = day * DAY_MS + first * model.stepMs;
  const n = span?.count ?? DAY_MS / model.stepMs;
  const alloc = (count: number): Float64Array[] =>
    scratch ? scratch.arrays(n, count) : Array.from({ length: count }, () => new Float64Array(n));
  if (model.kind === 'interval' && model.solar) {
    const d = solarDayOf(fleet, m, day);
    const values = solarChannelValues(d, model.solar.battery !== null);
    const out = alloc(values.length);
    values.forEach((v, k) => (out[k] as Float64Array).set(v.subarray(first, first + n)));
    return { t0, stepMs: model.stepMs, values: out };
  }
  if (model.kind === 'interval') {
    const v = alloc(1)[0] as Float64Array;
    renderInterval(model.interval, m.key, fleet.frame(day, model.stepMs), v, first);
    return { t0, stepMs: model.stepMs, values: [v] };
  }
  const house = model.house;
  const arrays = alloc(house.appliances.length + 1);
  const mains = arrays[0] as Float64Array;
  const appl = arrays.slice(1);
  const seed = fleet.options.seed >>> 0;
  for (const l of localDaysTouching(fleet, day)) {
    const make = (): Map<ApplianceName, Pulses> =>
      scheduleDay(house, dayContext(fleet, l), createRng(hash32(seed, m.index, l, 0xda7)));
    const pulses = cache ? cache.get(m.index, l, make) : make();
    house.appliances.forEach((a, k) => {
      const p = pulses.get(a);
      if (p) renderPulses(p, t0, model.stepMs, appl[k] as Float64Array);
    });
    for (const s of houseSpikes(fleet, m, house, model.stepMs, l)) {
      if (s.end <= t0 || s.start >= t0 + n * model.stepMs) continue;
      const k = house.appliances.findIndex((a) => `${m.meter.id}.${a}` === s.channelId);
      const arr = appl[k] as Float64Array;
      const i0 = Math.max(0, (s.start - t0) / model.stepMs);
      const i1 = Math.min(n, (s.end - t0) / model.stepMs);
      for (let i = i0; i < i1; i++) arr[i] = (arr[i] as number) + s.peakW;
    }
  }
  const noiseKey = m.key ^ 0xa1;
  for (let k = 0; k < appl.length; k++) {
    const arr = appl[k] as Float64Array;
    if (house.appliances[k] === 'always_on')
      for (let i = 0; i < n; i++) arr[i] = (arr[i] as number) + (unitAt(noiseKey, day, i + first) - 0.5) * 4;
    for (let i = 0; i < n; i++) {
      // Quantise to 1/8 W: dyadic values add exactly, so mains equals the sum in any order.
      const v = Math.round((arr[i] as number) * 8) / 8;
      arr[i] = v;
      mains[i] = (mains[i] as number) + v;
    }
  }
  return { t0, stepMs: model.stepMs, values: [mains, ...appl] };
}
