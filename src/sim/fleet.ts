/**
 * `createFleet`: a deterministic catalog (organisations, facilities, meters, channels) with the
 * hidden model of every meter and the ground truth that goes with it. Facility i is drawn from its
 * own seed, so a larger fleet with the same seed extends a smaller one.
 */
import type { Channel, Facility, Meter, Organisation } from '../domain/types.ts';
import { type HouseParams, type UnusualLabel, UNUSUAL_LABELS, drawHouse } from './model/appliances.ts';
import { type Calendar, createCalendar } from './model/calendar.ts';
import { type Climate, createClimate } from './model/climate.ts';
import { type DayFrame, createFrames } from './model/frame.ts';
import {
  HOUSEHOLD_MAX_MONTH_KWH,
  HOUSEHOLD_MEAN_WH_PER_5MIN,
  type IntervalModel,
  businessShapeMean,
} from './model/interval.ts';
import { drawBattery } from './model/battery.ts';
import { drawPvArray } from './model/pv.ts';
import { type SolarHome, solarChannelNames } from './model/solar-home.ts';
import { businessName, personName, streetAddress } from './names.ts';
import { type FleetOptions, type HeavyKind, type ResolvedFleetOptions, resolveOptions } from './options.ts';
import { createRng, hash32 } from './prng.ts';

/** How a meter's readings are produced (hidden from the catalog; see the truth for what is public). */
export type MeterModel =
  | { kind: 'interval'; stepMs: number; interval: IntervalModel; solar?: SolarHome }
  | { kind: 'house'; stepMs: number; house: HouseParams };

/** A meter with its channels (indexes into `fleet.channels`) and model. */
export interface SimMeter {
  index: number;
  meter: Meter;
  facilityIndex: number;
  /** Indexes into `fleet.channels`; for houses mains first, then appliances in `house.appliances` order. */
  channels: number[];
  model: MeterModel;
  /** Random-access key of this meter's noise. */
  key: number;
}

/** Ground truth known when the fleet is created (spikes depend on the time range: see `spikesBetween`). */
export interface StaticTruth {
  /** Sub-metered appliance channels of appliance-level houses. */
  applianceChannels: {
    channelId: string;
    meterId: string;
    facilityId: string;
    appliance: string;
    ratedW: number;
  }[];
  /** Homes with an unusual load (seed 000's case). */
  unusualFacilities: { facilityId: string; meterId: string; label: UnusualLabel; extraW: number }[];
  /** Heavy meters (seed 002's skew). */
  heavyMeters: { meterId: string; facilityId: string; kind: HeavyKind; factor: number }[];
  /** Appliance-level houses, by meter. */
  applianceHouses: { meterId: string; facilityId: string; sampleMs: number }[];
  /** Homes with rooftop PV (and perhaps a battery), by electricity meter. */
  solarHomes: ({ meterId: string; facilityId: string } & SolarHome)[];
}

/** A simulated fleet. */
export interface Fleet {
  readonly options: ResolvedFleetOptions;
  readonly orgs: Organisation[];
  readonly facilities: Facility[];
  readonly meters: Meter[];
  readonly channels: Channel[];
  /** `channels[i].id` for every i: the `channelIds` of every {@link ReadingBatch} the fleet makes. */
  readonly channelIds: string[];
  /** Meters with their models, in `meters` order. */
  readonly sim: SimMeter[];
  /** Index into `sim` of each channel's meter, by channel index. */
  readonly channelMeter: Int32Array;
  readonly truth: StaticTruth;
  /** Time zone helpers of the region. */
  readonly calendar: Calendar;
  readonly climate: Climate;
  /** Cached per-day lookup tables. */
  frame(day: number, stepMs: number): DayFrame;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** A channel of a meter before it has ids. */
type ChannelSpec = Omit<Channel, 'meterId' | 'id'>;

/** What a facility's draw decided, in the order its random stream decides it. */
interface FacilityDraw {
  facility: Facility;
  rng: ReturnType<typeof createRng>;
  business: boolean;
  tariff: string;
  hasGas: boolean;
  hasWater: boolean;
  unusual: { label: UnusualLabel; watts: number } | null;
  applianceHouse: boolean;
  heavy: { kind: HeavyKind; factor: number } | null;
}

/** The catalog as it grows, facility by facility. */
interface FleetParts {
  o: ResolvedFleetOptions;
  seed: number;
  width: number;
  facilities: Facility[];
  meters: Meter[];
  channels: Channel[];
  sim: SimMeter[];
  truth: StaticTruth;
}

/** Creates a fleet; throws ConfigError on bad options. */
export function createFleet(options: FleetOptions): Fleet {
  const o = resolveOptions(options);
  const seed = o.seed >>> 0;
  const orgs: Organisation[] = [];
  for (let i = 0; i < o.orgs; i++) {
    orgs.push({
      id: `${o.idPrefix}-org${o.orgs > 1 ? `-${i + 1}` : ''}`,
      name: `Simulated utility ${i + 1} (seed ${o.seed})`,
      createdAt: o.createdAt,
    });
  }
  const parts: FleetParts = {
    o,
    seed,
    width: Math.max(6, String(o.meters).length),
    facilities: [],
    meters: [],
    channels: [],
    sim: [],
    truth: {
      applianceChannels: [],
      unusualFacilities: [],
      heavyMeters: [],
      applianceHouses: [],
      solarHomes: [],
    },
  };
  for (let fi = 0; parts.meters.length < o.meters; fi++)
    addFacility(parts, drawFacility(parts, fi, orgs), fi);
  const { facilities, meters, channels, sim, truth } = parts;
  const calendar = createCalendar(o.region.timeZone);
  const climate = createClimate(o.region, seed);
  const frame = createFrames(calendar, climate, o.seasonality);
  const channelMeter = new Int32Array(channels.length);
  for (const m of sim) for (const k of m.channels) channelMeter[k] = m.index;
  return {
    channelMeter,
    options: o,
    orgs,
    facilities,
    meters,
    channels,
    channelIds: channels.map((c) => c.id),
    sim,
    truth,
    calendar,
    climate,
    frame,
  };
}

/** Facility `fi` from its own seed: who it is, where, and which meters and quirks it has. */
function drawFacility(p: FleetParts, fi: number, orgs: Organisation[]): FacilityDraw {
  const { o } = p;
  const rng = createRng(hash32(p.seed, 0xfac1, fi));
  const business = rng.chance(o.businessShare);
  const fid = `${o.idPrefix}-f${pad(fi + 1, p.width)}`;
  const zip = rng.pick(o.region.zips);
  const name = business ? businessName(rng) : personName(rng);
  const street = streetAddress(rng, business);
  const hasGas = rng.chance(o.gasShare * (business ? 1.4 : 1));
  const hasWater = rng.chance(o.waterShare * (business ? 2 : 1));
  const unusual: { label: UnusualLabel; watts: number } | null =
    !business && rng.chance(o.unusualShare)
      ? { label: rng.pick(UNUSUAL_LABELS), watts: Math.round(rng.range(2500, 6000)) }
      : null;
  const applianceHouse = !business && rng.chance(o.applianceShare);
  const heavy: { kind: HeavyKind; factor: number } | null = rng.chance(o.heavyShare)
    ? rng.chance(0.5)
      ? { kind: 'rate', factor: applianceHouse ? 10 : 5 }
      : { kind: 'value', factor: Math.round(rng.range(10, 40)) }
    : null;
  const tariff = business
    ? rng.pick(['SC2 General Small', 'SC9 General Large'])
    : rng.pick(['SC1 Residential', 'SC1 Residential TOU']);
  const facility: Facility = {
    id: fid,
    orgId: (orgs[fi % o.orgs] as Organisation).id,
    name: business ? name : `${name} residence`,
    kind: business ? 'commercial' : 'residential',
    address: `${street}, ${o.region.city}, ${o.region.state} ${zip}`,
    zip,
    timeZone: o.region.timeZone,
    tags: ['simulated'],
    createdAt: o.createdAt,
  };
  return { facility, rng, business, tariff, hasGas, hasWater, unusual, applianceHouse, heavy };
}

/** Adds a drawn facility with its electricity meter, then gas and water while the fleet has room. */
function addFacility(p: FleetParts, d: FacilityDraw, fi: number): void {
  const { o, truth } = p;
  const fid = d.facility.id;
  p.facilities.push(d.facility);
  const elec = d.applianceHouse ? addApplianceHouse(p, d, fi) : addIntervalElectricity(p, d, fi);
  if (d.unusual)
    truth.unusualFacilities.push({
      facilityId: fid,
      meterId: elec.meter.id,
      label: d.unusual.label,
      extraW: d.unusual.watts,
    });
  if (d.heavy)
    truth.heavyMeters.push({
      meterId: elec.meter.id,
      facilityId: fid,
      kind: d.heavy.kind,
      factor: d.heavy.factor,
    });
  if (d.hasGas && p.meters.length < o.meters) {
    const g = d.rng.range(0.6, 1.5) * (d.business ? 4 : 1);
    // ~1,500 m3 a year for a heated New York home: 0.55 m3 per degree-day below 15.5 C plus 0.5 m3/day.
    addMeter(
      p,
      d,
      'gas',
      {
        kind: 'interval',
        stepMs: 3_600_000,
        interval: { kind: 'gas', baseM3PerDay: 0.5 * g, m3PerDegreeDay: 0.55 * g },
      },
      [intervalChannel('gas', 'm3', 3_600_000)],
    );
  }
  if (d.hasWater && p.meters.length < o.meters) {
    const litres = d.business ? d.rng.range(500, 3000) : d.rng.range(150, 500);
    addMeter(
      p,
      d,
      'water',
      {
        kind: 'interval',
        stepMs: 3_600_000,
        interval: { kind: 'water', litresPerDay: litres, business: d.business },
      },
      [intervalChannel('water', 'L', 3_600_000)],
    );
  }
}

/** A meter of the facility drawn last, with its channels (ids `<meter>.<channel name>`). */
function addMeter(
  p: FleetParts,
  d: FacilityDraw,
  serviceType: Meter['serviceType'],
  model: MeterModel,
  chans: ChannelSpec[],
): SimMeter {
  const index = p.meters.length;
  const mid = `${p.o.idPrefix}-m${pad(index + 1, p.width)}`;
  const h = hash32(p.seed, 0x5e1, index).toString(16).padStart(8, '0');
  const meter: Meter = {
    id: mid,
    facilityId: d.facility.id,
    serviceType,
    utilityMeterNumber: `${serviceType[0]?.toUpperCase()}${pad(hash32(p.seed, 0x3e7, index) % 1e9, 9)}`,
    serviceId: `${h}-${(index + 1).toString(36)}`,
    tariff:
      serviceType === 'electricity'
        ? d.tariff
        : serviceType === 'gas'
          ? d.business
            ? 'SC2 Gas General'
            : 'SC1 Gas Residential'
          : 'Metered Water',
    utility: serviceType === 'water' ? 'NYC DEP' : 'Con Edison',
  };
  p.meters.push(meter);
  const idx: number[] = [];
  for (const c of chans) {
    idx.push(p.channels.length);
    p.channels.push({ ...c, id: `${mid}.${c.name}`, meterId: mid });
  }
  const sm: SimMeter = {
    index,
    meter,
    facilityIndex: p.facilities.length - 1,
    channels: idx,
    model,
    key: hash32(p.seed, 0x6e7, index),
  };
  p.sim.push(sm);
  return sm;
}

/** An interval channel (energy or volume per interval) that is the meter's mains. */
function intervalChannel(name: string, unit: Channel['unit'], stepMs: number): ChannelSpec {
  return {
    name,
    isMains: true,
    appliance: null,
    measurement: 'interval',
    unit,
    intervalMs: stepMs,
    maxGapMs: null,
    rolloverAt: null,
  };
}

/** An appliance-level house: mains power and one power channel per appliance, with their truth. */
function addApplianceHouse(p: FleetParts, d: FacilityDraw, fi: number): SimMeter {
  const { o, truth } = p;
  const fid = d.facility.id;
  const house = drawHouse(createRng(hash32(p.seed, 0x40b5, fi)), d.unusual);
  const stepMs = d.heavy?.kind === 'rate' ? Math.max(1000, o.sampleMs / 10) : o.sampleMs;
  const step = 86_400_000 % stepMs === 0 ? stepMs : o.sampleMs;
  const power = (name: string, appliance: string | null): ChannelSpec => ({
    name,
    isMains: appliance === null,
    appliance,
    measurement: 'power',
    unit: 'W',
    intervalMs: step,
    maxGapMs: null,
    rolloverAt: null,
  });
  const elec = addMeter(p, d, 'electricity', { kind: 'house', stepMs: step, house }, [
    power('mains', null),
    ...house.appliances.map((a) => power(a, a)),
  ]);
  truth.applianceHouses.push({ meterId: elec.meter.id, facilityId: fid, sampleMs: step });
  for (const a of house.appliances) {
    truth.applianceChannels.push({
      channelId: `${elec.meter.id}.${a}`,
      meterId: elec.meter.id,
      facilityId: fid,
      appliance: a,
      ratedW: house.rated[a] ?? 0,
    });
  }
  return elec;
}

/** A smart meter's interval readings of a business or household, with rooftop PV for some homes. */
function addIntervalElectricity(p: FleetParts, d: FacilityDraw, fi: number): SimMeter {
  const { o, truth } = p;
  const stepMs = d.heavy?.kind === 'rate' ? 60_000 : 300_000;
  const model = intervalModel(p, d);
  // Drawn from their own stream so that fleets without PV stay as they were.
  const solarRng = createRng(hash32(p.seed, 0x501a, fi));
  const solar: SolarHome | null =
    !d.business && solarRng.chance(o.pvShare)
      ? {
          pv: drawPvArray(solarRng),
          battery: solarRng.chance(o.batteryShare) ? drawBattery(solarRng) : null,
        }
      : null;
  if (!solar)
    return addMeter(p, d, 'electricity', { kind: 'interval', stepMs, interval: model }, [
      intervalChannel('mains', 'Wh', stepMs),
    ]);
  // What the utility's meter registers (import, the billing mains; export) and what the
  // inverter and battery report: the flows a home energy dashboard is built from.
  const [first, ...rest] = solarChannelNames(solar).map((n) => intervalChannel(n, 'Wh', stepMs));
  const elec = addMeter(p, d, 'electricity', { kind: 'interval', stepMs, interval: model, solar }, [
    first!,
    ...rest.map((c) => ({ ...c, isMains: false })),
  ]);
  truth.solarHomes.push({ meterId: elec.meter.id, facilityId: d.facility.id, ...solar });
  return elec;
}

/** How much a business or household uses, drawn from the facility's stream. */
function intervalModel(p: FleetParts, d: FacilityDraw): IntervalModel {
  const { rng } = d;
  const valueFactor = d.heavy?.kind === 'value' ? d.heavy.factor : 1;
  if (d.business) {
    const shop = rng.chance(0.5);
    // Annual use lognormal around 30 MWh (seed 002's makeitcheaper.com figures for small/medium businesses).
    const annualKwh = Math.min(500_000, Math.max(5000, 30_000 * Math.exp(0.7 * rng.normal())));
    return {
      kind: 'business',
      meanW: (annualKwh * 1000) / 8766,
      shop,
      shapeMean: businessShapeMean(shop),
      valueFactor,
    };
  }
  // Household scale: mean 1, sd 0.18, capped so that no month exceeds 1,273 kWh.
  const householdCap = HOUSEHOLD_MAX_MONTH_KWH / (901 * (1 + p.o.seasonality));
  const g = Math.min(householdCap, Math.max(0.55, 1 + 0.18 * rng.normal()));
  return {
    kind: 'household',
    meanWh5: HOUSEHOLD_MEAN_WH_PER_5MIN * g,
    extraW: d.unusual?.watts ?? 0,
    extraHoursOnly: d.unusual?.label === 'commercial-hours',
    valueFactor,
  };
}
