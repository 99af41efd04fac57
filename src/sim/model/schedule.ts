/**
 * One local day of an appliance-level house: the household's routine (wake, leave, return, sleep)
 * and, from it, the pulses of every appliance. Weekends differ from weekdays; heating and cooling
 * follow the outdoor temperature; lighting follows sunset.
 */
import { type Rng, unitAt } from '../prng.ts';
import { APPLIANCE_CONSTANTS as C, type ApplianceName, type HouseParams } from './appliances.ts';
import { HOUR_MS } from './calendar.ts';
import { Pulses } from './pulses.ts';

const MIN = 60_000;

/** What the schedule needs to know about the day. */
export interface DayContext {
  /** UTC ms of local midnight and of the next local midnight. */
  start: number;
  end: number;
  weekend: boolean;
  /** Day of year, 0..365. */
  doy: number;
  /** Outdoor temperature (deg C) at UTC ms. */
  temp(t: number): number;
}

interface Routine {
  wake: number;
  leave: number | null;
  back: number | null;
  sleep: number;
}

function routine(h: HouseParams, ctx: DayContext, rng: Rng): Routine {
  const at = (hours: number): number => ctx.start + hours * HOUR_MS;
  if (ctx.weekend || !h.commuter) {
    return { wake: at(rng.range(7, 9.5)), leave: null, back: null, sleep: at(rng.range(22.5, 24.5)) };
  }
  return {
    wake: at(rng.range(5.8, 7.3)),
    leave: at(rng.range(7.8, 9)),
    back: at(rng.range(17, 18.8)),
    sleep: at(rng.range(22.3, 23.8)),
  };
}

/** Poisson draw (Knuth), for small means. */
function poisson(rng: Rng, mean: number): number {
  const l = Math.exp(-mean);
  let k = 0;
  let p = rng.next();
  while (p > l) {
    k++;
    p *= rng.next();
  }
  return k;
}

/** A time when someone is at home and awake, with extra weight on the meal peaks. */
function homeTime(r: Routine, rng: Rng): number {
  if (r.leave !== null && r.back !== null && rng.chance(0.85)) {
    return rng.chance(0.35) ? rng.range(r.wake, r.leave) : rng.range(r.back, r.sleep);
  }
  return rng.range(r.wake, r.sleep);
}

/**
 * Thermostat cycling: demand (duty x time) accumulates over 15-minute slots and runs as one cycle of at
 * least 5 minutes once enough has built up, so that low demand gives rare cycles with the right energy.
 */
function hvac(p: Pulses, ctx: DayContext, watts: number, duty: (t: number) => number, rng: Rng): void {
  const slot = 15 * MIN;
  let carry = 0;
  for (let t = ctx.start; t < ctx.end; t += slot) {
    carry += Math.min(1, Math.max(0, duty(t + slot / 2))) * slot;
    if (carry < 5 * MIN) continue;
    const run = Math.min(slot, carry);
    carry -= run;
    const offset = rng.range(0, slot - run);
    p.add(t + offset, t + offset + run, watts);
  }
}

/** What every appliance's scheduler reads: the house, the day, its routine and the day's random stream. */
interface Day {
  house: HouseParams;
  ctx: DayContext;
  r: Routine;
  rng: Rng;
}

/** Adds one appliance's runs for the day to `p`, at rated power `w`. */
type Schedule = (p: Pulses, day: Day, w: number) => void;

/** Builds the pulses of every appliance of `house` for one local day. */
export function scheduleDay(house: HouseParams, ctx: DayContext, rng: Rng): Map<ApplianceName, Pulses> {
  const out = new Map<ApplianceName, Pulses>();
  const day: Day = { house, ctx, r: routine(house, ctx, rng), rng };
  for (const name of house.appliances) {
    const p = out.get(name) ?? new Pulses();
    out.set(name, p);
    if (name === 'washer' || name === 'dryer') {
      // The dryer runs after the washer when the house has one (in washerRun).
      if (name === 'dryer' && house.appliances.includes('washer')) continue;
      washerRun(out, house, day.r, ctx, rng, name);
    } else SCHEDULES[name](p, day, house.rated[name] ?? 0);
  }
  return out;
}

/**
 * Cycles run all day; the compressor runs longer when the kitchen is warm. Cycle k starts near
 * k x period on one timeline for the whole life of the house, with its randomness drawn per cycle,
 * so a run crossing midnight is not repeated or overlapped by the next day's first run.
 */
function fridge(p: Pulses, { house, ctx }: Day, w: number): void {
  const period = house.fridgePeriodMs;
  const key = Math.floor(period);
  for (let k = Math.floor(ctx.start / period) - 1; k * period < ctx.end; k++) {
    const t = (k + 0.07 * (unitAt(key, k, 1) - 0.5)) * period;
    const warm = ctx.temp(t) > 24 ? 1.15 : 1;
    const on = period * house.fridgeDuty * warm * (0.9 + 0.2 * unitAt(key, k, 2));
    // The renderer carries a run across midnight itself: each day adds only the runs that start in it.
    if (t >= ctx.start && t < ctx.end) p.add(t, t + on, w * (0.97 + 0.06 * unitAt(key, k, 3)));
  }
}

/** Heats below 15 C (set back at night) and cools above 22 C. */
function heatPump(p: Pulses, { house, ctx, r, rng }: Day, w: number): void {
  const night = (t: number): boolean => t < r.wake || t > r.sleep;
  const duty = (t: number): number => {
    const temp = ctx.temp(t);
    const setback = night(t) ? 0.7 : 1;
    if (temp < 15) return C.heat_pump.heatDutyPerC * (15 - temp) * house.hvacFactor * setback;
    if (temp > 22) return C.heat_pump.coolDutyPerC * (temp - 22) * house.hvacFactor;
    return 0;
  };
  hvac(p, ctx, w, duty, rng);
}

function airConditioner(p: Pulses, { house, ctx, rng }: Day, w: number): void {
  const duty = (t: number): number => {
    const temp = ctx.temp(t);
    return temp > 22 ? C.air_conditioner.coolDutyPerC * (temp - 22) * house.hvacFactor : 0;
  };
  hvac(p, ctx, w, duty, rng);
}

/** Showers after waking and in the evening, plus standby reheats. */
function waterHeater(p: Pulses, { house, ctx, r, rng }: Day, w: number): void {
  const draws = [r.wake + rng.range(5, 40) * MIN, rng.chance(0.6) ? r.sleep - rng.range(30, 120) * MIN : NaN];
  for (const t of draws) if (!Number.isNaN(t)) p.add(t, t + rng.range(15, 35) * MIN * house.usage, w);
  const reheats = 2 + rng.int(3);
  for (let i = 0; i < reheats; i++) {
    const t = rng.range(ctx.start, ctx.end);
    p.add(t, t + rng.range(4, 9) * MIN, w);
  }
}

function dishwasher(p: Pulses, { house, r, rng }: Day, w: number): void {
  if (!rng.chance(C.dishwasher.runsPerDay * house.usage)) return;
  const t = r.sleep - rng.range(45, 180) * MIN;
  p.add(t, t + C.dishwasher.runMin * MIN, C.dishwasher.pumpW);
  p.add(t + 5 * MIN, t + rng.range(9, 13) * MIN, w);
  p.add(t + 55 * MIN, t + rng.range(64, 68) * MIN, w);
}

function oven(p: Pulses, { house, ctx, r, rng }: Day, w: number): void {
  const chance = C.oven.usesPerDay * house.usage * (ctx.weekend ? 1.5 : 0.8);
  if (!rng.chance(Math.min(1, chance))) return;
  const t0 = Math.max(r.back ?? 0, ctx.start + rng.range(16.8, 19) * HOUR_MS);
  const end = t0 + rng.range(40, 80) * MIN;
  p.add(t0, t0 + 10 * MIN, w); // preheat
  for (let t = t0 + 10 * MIN; t < end; t += 5 * MIN) p.add(t, t + 2 * MIN, w); // thermostat, 40 %
}

/** Short uses at home-and-awake times, a Poisson number of them a day. */
function shortUses(name: 'kettle' | 'microwave'): Schedule {
  return (p, { house, r, rng }, w) => {
    const k = C[name];
    const n = poisson(rng, k.usesPerDay * house.usage);
    for (let i = 0; i < n; i++) {
      const t = homeTime(r, rng);
      p.add(t, t + k.runMin * MIN * rng.range(0.6, 1.5), w * rng.range(0.97, 1.03));
    }
  };
}

/** Lamps are on when someone is home and awake and it is dark (sunset ~18.2 h +/- 1.5 h, New York). */
function lighting(p: Pulses, { ctx, r, rng }: Day, w: number): void {
  const season = Math.sin((2 * Math.PI * (ctx.doy - 80)) / 365.25);
  const sunrise = ctx.start + (6.3 - 1.3 * season) * HOUR_MS;
  const sunset = ctx.start + (18.2 + 1.5 * season) * HOUR_MS;
  const lamps = Math.max(1, Math.round(w / C.lighting.lampW));
  const lampW = w / lamps;
  const spans: [number, number][] = [
    [r.wake, Math.min(sunrise + 30 * MIN, r.leave ?? sunrise + 30 * MIN)],
    [Math.max(sunset - 30 * MIN, r.back ?? 0), r.sleep],
  ];
  for (const [a, b] of spans) {
    if (b <= a) continue;
    for (let l = 0; l < lamps; l++) {
      if (!rng.chance(0.75)) continue;
      const s = rng.range(a, a + (b - a) * 0.5);
      p.add(s, rng.range(Math.max(s, b - (b - a) * 0.3), b), lampW);
    }
  }
}

function electronics(p: Pulses, { ctx, r, rng }: Day, w: number): void {
  p.add(ctx.start, ctx.end, C.electronics.standbyW);
  const from = ctx.weekend
    ? r.wake + rng.range(2, 6) * HOUR_MS
    : Math.max(r.back ?? 0, ctx.start + 18 * HOUR_MS);
  if (rng.chance(0.85)) p.add(from, r.sleep - rng.range(0, 40) * MIN, w - C.electronics.standbyW);
}

/** The unusual extra load: flat all week, or a business-hours block on weekdays. */
function otherLoad(p: Pulses, { house, ctx, rng }: Day, w: number): void {
  const u = house.unusual;
  if (!u) return;
  if (u.label === 'flat-24-7') {
    p.add(ctx.start, ctx.end, w);
    return;
  }
  p.add(ctx.start, ctx.end, w * 0.1);
  if (!ctx.weekend)
    p.add(ctx.start + rng.range(7.5, 8.5) * HOUR_MS, ctx.start + rng.range(17.5, 19) * HOUR_MS, w * 0.9);
}

/** One scheduler per appliance but the washer and dryer, which run together (washerRun). */
const SCHEDULES: Record<Exclude<ApplianceName, 'washer' | 'dryer'>, Schedule> = {
  fridge,
  heat_pump: heatPump,
  air_conditioner: airConditioner,
  water_heater: waterHeater,
  dishwasher,
  oven,
  kettle: shortUses('kettle'),
  microwave: shortUses('microwave'),
  lighting,
  electronics,
  always_on: (p, { ctx }, w) => p.add(ctx.start, ctx.end, w),
  other_load: otherLoad,
};

function washerRun(
  out: Map<ApplianceName, Pulses>,
  house: HouseParams,
  r: Routine,
  ctx: DayContext,
  rng: Rng,
  name: 'washer' | 'dryer',
): void {
  const runs = ctx.weekend ? 1.4 : 0.8;
  const k = name === 'washer' ? C.washer : C.dryer;
  if (!rng.chance(Math.min(1, k.runsPerDay * runs * house.usage))) return;
  let t = homeTime(r, rng);
  if (name === 'washer') {
    const p = out.get('washer') as Pulses;
    const len = C.washer.runMin * MIN * rng.range(0.8, 1.25);
    p.add(t, t + len, C.washer.motorW * rng.range(0.9, 1.6));
    if (rng.chance(0.3))
      p.add(t + 5 * MIN, t + rng.range(17, 23) * MIN, house.rated.washer ?? C.washer.heaterW);
    p.add(t + len - 8 * MIN, t + len, 400);
    t += len + rng.range(5, 40) * MIN;
    if (!out.has('dryer') && !house.appliances.includes('dryer')) return;
    if (!rng.chance(0.75)) return;
  }
  const dryer = out.get('dryer') ?? new Pulses();
  out.set('dryer', dryer);
  const len = C.dryer.runMin * MIN * rng.range(0.8, 1.3);
  const w = house.rated.dryer ?? C.dryer.onW;
  dryer.add(t, t + len, C.dryer.motorW);
  for (let s = t; s < t + len - 5 * MIN; s += 10 * MIN) dryer.add(s, s + 8 * MIN, w); // element cycles 80 %
}
