/**
 * Options of a simulated fleet, their defaults and their validation. Every option has a default so
 * that `createFleet({ seed: 1, meters: 20 })` is a complete call.
 */
import { ConfigError } from '../errors.ts';
import { isTimeZone } from '../util/time/index.ts';

/** Where the fleet is: zip codes drawn uniformly, city/state for addresses, time zone, climate. */
export interface Region {
  zips: readonly string[];
  city: string;
  state: string;
  /** IANA time zone of every facility. */
  timeZone: string;
  /** Annual mean outdoor temperature, deg C. */
  meanTempC: number;
  /** Half the difference between the warmest and coldest month, deg C. */
  seasonalAmplitudeC: number;
  /** Latitude of the region's sky, degrees north (rooftop PV). */
  latitude: number;
  /** Longitude of the region's sky, degrees east (negative west of Greenwich). */
  longitude: number;
}

/** New York City (seed 002's region): Manhattan and Brooklyn zip codes, Central Park climate normals. */
export const NYC: Region = Object.freeze({
  zips: Object.freeze([
    '10001',
    '10002',
    '10003',
    '10009',
    '10010',
    '10011',
    '10012',
    '10013',
    '10014',
    '10016',
    '10017',
    '10019',
    '10021',
    '10023',
    '10024',
    '10025',
    '10026',
    '10027',
    '10028',
    '10029',
    '10031',
    '10032',
    '10033',
    '10034',
    '10036',
    '10040',
    '11201',
    '11205',
    '11206',
    '11211',
    '11215',
    '11216',
    '11217',
    '11218',
    '11220',
    '11222',
    '11225',
    '11226',
    '11230',
    '11238',
  ]),
  city: 'New York',
  state: 'NY',
  timeZone: 'America/New_York',
  // NOAA 1991-2020 Central Park normals: annual 13.2 C, January 0.6 C, July 25.3 C.
  meanTempC: 13.2,
  seasonalAmplitudeC: 12.4,
  // Central Park.
  latitude: 40.78,
  longitude: -73.97,
});

/** Kinds of skew for heavy meters (seed 002's challenge). */
export const HEAVY_KINDS = ['rate', 'value'] as const;
/** `rate`: far more readings (finer sampling); `value`: far higher values. */
export type HeavyKind = (typeof HEAVY_KINDS)[number];

/** Options of {@link createFleet}. */
export interface FleetOptions {
  /** Seed of every random draw; the same seed gives the same fleet and readings. */
  seed: number;
  /** Number of meters, 1..1,000,000 (facilities are drawn until this many meters exist). */
  meters: number;
  /** Number of organisations the facilities are spread over (round robin). Default 1. */
  orgs?: number;
  /** Prefix of every id, so that two fleets can share a store. Default `sim`. */
  idPrefix?: string;
  /** Region of the facilities. Default {@link NYC}. */
  region?: Region;
  /** Share of facilities that are businesses. Default 0.0614 (NYC, seed 002). */
  businessShare?: number;
  /** Share of facilities with a gas meter. Default 0.35. */
  gasShare?: number;
  /** Share of facilities with a water meter. Default 0.2. */
  waterShare?: number;
  /** Share of household electricity meters that are appliance-level houses (seed 001). Default 0.25. */
  applianceShare?: number;
  /** Sampling interval of appliance-level houses, ms; 1 s..1 h and a divisor of a day. Default 60,000. */
  sampleMs?: number;
  /** Share of homes with an unusual (commercial-like or flat 24/7) load. Default 0.01. */
  unusualShare?: number;
  /** Share of electricity meters that are heavy (skew). Default 0.01. */
  heavyShare?: number;
  /** Injected overshoot spikes per appliance-level house per day. Default 0.2. */
  spikesPerHouseDay?: number;
  /** Shortest spike, ms (rounded up to whole samples, at least one sample). Default 60,000. */
  minSpikeMs?: number;
  /** Strength of the seasonal swing of interval households' consumption (0 = none). Default 0.05. */
  seasonality?: number;
  /** Share of households (interval homes, not appliance-level houses) with rooftop PV. Default 0. */
  pvShare?: number;
  /** Share of the PV homes that also have a home battery. Default 0.3. */
  batteryShare?: number;
  /** Creation time stamped on the catalog objects (UTC ms). Default 2024-01-01T00:00:00Z. */
  createdAt?: number;
}

/** Options with every default filled in. */
export type ResolvedFleetOptions = Required<FleetOptions>;

/** Largest fleet the simulator accepts. */
export const MAX_METERS = 1_000_000;
const DAY_MS = 86_400_000;

/** Fills in the defaults and validates; throws {@link ConfigError} naming the bad option. */
export function resolveOptions(o: FleetOptions): ResolvedFleetOptions {
  const r: ResolvedFleetOptions = {
    seed: o.seed,
    meters: o.meters,
    orgs: o.orgs ?? 1,
    idPrefix: o.idPrefix ?? 'sim',
    region: o.region ?? NYC,
    businessShare: o.businessShare ?? 0.0614,
    gasShare: o.gasShare ?? 0.35,
    waterShare: o.waterShare ?? 0.2,
    applianceShare: o.applianceShare ?? 0.25,
    sampleMs: o.sampleMs ?? 60_000,
    unusualShare: o.unusualShare ?? 0.01,
    heavyShare: o.heavyShare ?? 0.01,
    spikesPerHouseDay: o.spikesPerHouseDay ?? 0.2,
    minSpikeMs: o.minSpikeMs ?? 60_000,
    seasonality: o.seasonality ?? 0.05,
    pvShare: o.pvShare ?? 0,
    batteryShare: o.batteryShare ?? 0.3,
    createdAt: o.createdAt ?? Date.UTC(2024, 0, 1),
  };
  const int = (name: keyof FleetOptions, v: number, lo: number, hi: number): void => {
    if (!Number.isInteger(v) || v < lo || v > hi) {
      throw new ConfigError(`sim.${name}`, `expected a whole number in ${lo}..${hi}, got ${v}`);
    }
  };
  const share = (name: keyof FleetOptions, v: number): void => {
    if (!(v >= 0 && v <= 1)) throw new ConfigError(`sim.${name}`, `expected a share in 0..1, got ${v}`);
  };
  int('seed', r.seed, -(2 ** 31), 2 ** 32 - 1);
  int('meters', r.meters, 1, MAX_METERS);
  int('orgs', r.orgs, 1, 10_000);
  int('sampleMs', r.sampleMs, 1000, 3_600_000);
  if (DAY_MS % r.sampleMs !== 0)
    throw new ConfigError('sim.sampleMs', `must divide a day (86,400,000 ms), got ${r.sampleMs}`);
  int('minSpikeMs', r.minSpikeMs, 1000, DAY_MS);
  for (const k of [
    'businessShare',
    'gasShare',
    'waterShare',
    'applianceShare',
    'unusualShare',
    'heavyShare',
    'seasonality',
    'pvShare',
    'batteryShare',
  ] as const) {
    share(k, r[k]);
  }
  if (!(r.spikesPerHouseDay >= 0 && r.spikesPerHouseDay <= 100)) {
    throw new ConfigError('sim.spikesPerHouseDay', `expected 0..100, got ${r.spikesPerHouseDay}`);
  }
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(r.idPrefix)) {
    throw new ConfigError('sim.idPrefix', `expected 1-32 letters, digits, '_' or '-', got '${r.idPrefix}'`);
  }
  if (!(Math.abs(r.region.latitude) <= 90))
    throw new ConfigError('sim.region.latitude', `expected degrees in -90..90, got ${r.region.latitude}`);
  if (!(Math.abs(r.region.longitude) <= 180))
    throw new ConfigError('sim.region.longitude', `expected degrees in -180..180, got ${r.region.longitude}`);
  if (!r.region.zips.length) throw new ConfigError('sim.region.zips', 'expected at least one zip code');
  if (!isTimeZone(r.region.timeZone))
    throw new ConfigError('sim.region.timeZone', `unknown IANA time zone '${r.region.timeZone}'`);
  return r;
}
