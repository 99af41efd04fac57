/**
 * The appliance-level house (seed 001): which appliances a house has, their power levels and how
 * often and when they run. Constants come from `npx tsx src/sim/calibrate.ts` on the shared data
 * (figures in docs/simulator.md); where no data set covers an appliance the source is named.
 * AMPds = Makonin et al. (hourly Wh, 2 years); REDD3 = REDD house 3 (3 s); REFIT = houses 2 and 20 (30 s).
 */
import type { Rng } from '../prng.ts';

/** Channel names of appliance-level houses, in channel order (mains comes first, separately). */
export const APPLIANCES = [
  'fridge',
  'heat_pump',
  'air_conditioner',
  'water_heater',
  'washer',
  'dryer',
  'dishwasher',
  'oven',
  'kettle',
  'microwave',
  'lighting',
  'electronics',
  'always_on',
  'other_load',
] as const;
/** An appliance channel's name. */
export type ApplianceName = (typeof APPLIANCES)[number];

/** Calibrated and assumed constants, one entry per appliance. */
export const APPLIANCE_CONSTANTS = {
  // REDD3 FRE: on 117 W median, duty 0.374, runs 9.3 min, 1.14 kWh/day; AMPds FGE (kitchen fridge) 1.22 kWh/day.
  fridge: { onW: 117, duty: 0.374, runMin: 9.3, presence: 1 },
  // AMPds HPE: 4.08 kWh/day over two years (Burnaby BC, mean ~10 C), 18 % of hours active, max 2,323 Wh in an hour.
  // Heating duty per degree below 15 C fitted so that a Burnaby-like climate (mean 11 C, +/- 7 C) gives ~4 kWh/day
  // (docs/simulator.md, validation table).
  heat_pump: { onW: 2300, heatDutyPerC: 0.017, coolDutyPerC: 0.035, presence: 0.45 },
  // No data set has a central AC circuit: 1.2-1.8 kW window/central units (US DOE typical), cooling above 22 C.
  air_conditioner: { onW: 1500, coolDutyPerC: 0.05, presence: 0.35 },
  // Assumption (no electric water heater in the data sets): 4.5 kW element, US DOE typical.
  water_heater: { onW: 4500, presence: 0.4 },
  // REFIT WashingMachine: 0.61-0.77 runs/day of 59-94 min, motor 81-87 W median, heater peak 2.4-2.5 kW.
  washer: { motorW: 85, heaterW: 2000, runsPerDay: 0.6, runMin: 75, presence: 0.85 },
  // AMPds CDE: 1.28 kWh/day, 3.7 % of hours active, max 3,845 Wh in an hour.
  dryer: { onW: 3000, motorW: 250, runsPerDay: 0.45, runMin: 55, presence: 0.7 },
  // AMPds DWE 0.36 kWh/day (max 640 Wh/h); REFIT Dishwasher 0.43 runs/day of 47 min, peak 2.35-2.38 kW; REDD3 DWE 729 W.
  dishwasher: { heaterW: 1800, pumpW: 70, runsPerDay: 0.55, runMin: 90, presence: 0.7 },
  // AMPds WOE: 0.19 kWh/day, 1.5 % of hours active, max 1,962 Wh in an hour.
  oven: { onW: 2400, usesPerDay: 0.14, presence: 0.8 },
  // REFIT Kettle: 2,690-2,737 W median on, 4.2-6.2 uses/day, 2.0-2.7 min each.
  kettle: { onW: 2700, usesPerDay: 4.5, runMin: 2.3, presence: 0.5 },
  // REFIT Microwave 1,301 W, 2.2 uses/day, 3.0 min; REDD3 MIC 1,683 W, 3.7 uses/day, 2.4 min.
  microwave: { onW: 1450, usesPerDay: 2.8, runMin: 2.7, presence: 0.85 },
  // REDD3 LI2/LI4: 139-174 W median on, duty 0.26-0.31, 0.87-0.93 kWh/day per circuit.
  lighting: { lampW: 75, lamps: 5, presence: 1 },
  // AMPds TVE 0.99 kWh/day, active 87 % of hours, p97 199 Wh/h; REDD3 ELE 90 W median, 2.48 kWh/day.
  electronics: { standbyW: 25, activeW: 150, presence: 1 },
  // Always-on base: AMPds EQE 40 W + UTE 47 W + OFE 36 W; REDD house 1 mains p3 = 94 W.
  always_on: { onW: 95, presence: 1 },
} as const;

/** What an unusual home's extra load looks like (seed 000's home used for another purpose). */
export const UNUSUAL_LABELS = ['flat-24-7', 'commercial-hours'] as const;
/** An unusual facility's label. */
export type UnusualLabel = (typeof UNUSUAL_LABELS)[number];

/** Per-house parameters drawn once from the house's seed. */
export interface HouseParams {
  /** Appliance channels this house has, in channel order. */
  appliances: ApplianceName[];
  /** Rated (typical on) power per appliance, W: the level spikes are scaled from. */
  rated: Partial<Record<ApplianceName, number>>;
  /** Fridge cycle period, ms, and duty. */
  fridgePeriodMs: number;
  fridgeDuty: number;
  /** Multiplier on heating/cooling duty (insulation, thermostat habits). */
  hvacFactor: number;
  /** Multiplier on how often discretionary appliances run (household size). */
  usage: number;
  /** True when someone leaves for work on weekdays. */
  commuter: boolean;
  /** Unusual extra load, if any. */
  unusual: { label: UnusualLabel; watts: number } | null;
}

/** Draws the parameters of one house; `unusual` comes from the catalog. */
export function drawHouse(rng: Rng, unusual: HouseParams['unusual']): HouseParams {
  const C = APPLIANCE_CONSTANTS;
  const scale = (lo: number, hi: number): number => rng.range(lo, hi);
  const rated: HouseParams['rated'] = {};
  const appliances: ApplianceName[] = [];
  const add = (name: ApplianceName, w: number): void => {
    appliances.push(name);
    rated[name] = Math.round(w);
  };
  add('fridge', C.fridge.onW * scale(0.8, 1.3));
  const hvac = rng.next();
  if (hvac < C.heat_pump.presence) add('heat_pump', C.heat_pump.onW * scale(0.85, 1.1));
  else if (hvac < C.heat_pump.presence + C.air_conditioner.presence)
    add('air_conditioner', C.air_conditioner.onW * scale(0.8, 1.2));
  if (rng.chance(C.water_heater.presence)) add('water_heater', C.water_heater.onW * scale(0.85, 1.2));
  if (rng.chance(C.washer.presence)) add('washer', C.washer.heaterW * scale(0.9, 1.2));
  if (rng.chance(C.dryer.presence)) add('dryer', C.dryer.onW * scale(0.9, 1.15));
  if (rng.chance(C.dishwasher.presence)) add('dishwasher', C.dishwasher.heaterW * scale(0.9, 1.25));
  if (rng.chance(C.oven.presence)) add('oven', C.oven.onW * scale(0.9, 1.2));
  if (rng.chance(C.kettle.presence)) add('kettle', C.kettle.onW * scale(0.8, 1.1));
  if (rng.chance(C.microwave.presence)) add('microwave', C.microwave.onW * scale(0.85, 1.2));
  const lamps = C.lighting.lamps + rng.int(4);
  add('lighting', lamps * C.lighting.lampW * scale(0.7, 1.3));
  add('electronics', C.electronics.activeW * scale(0.7, 1.4));
  add('always_on', C.always_on.onW * scale(0.6, 1.5));
  if (unusual) add('other_load', unusual.watts);
  const runMs = C.fridge.runMin * 60_000 * scale(0.8, 1.2);
  const duty = C.fridge.duty * scale(0.8, 1.15);
  return {
    appliances,
    rated,
    fridgePeriodMs: runMs / duty,
    fridgeDuty: duty,
    hvacFactor: scale(0.6, 1.5),
    usage: scale(0.6, 1.5),
    commuter: rng.chance(0.7),
    unusual,
  };
}
