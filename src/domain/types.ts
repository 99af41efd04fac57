/**
 * The domain model shared by every feature. Identifiers are strings chosen by the caller (importers
 * derive them from the source so that a re-import maps to the same rows); timestamps are UTC
 * milliseconds since the Unix epoch.
 */

/** Roles a user can hold inside an organisation. */
export const ROLES = ['admin', 'analyst', 'viewer'] as const;
/** A user's role inside an organisation. */
export type Role = (typeof ROLES)[number];

/** Kinds of facility; `unknown` where the source does not say. */
export const FACILITY_KINDS = ['residential', 'commercial', 'industrial', 'public', 'unknown'] as const;
/** A facility's kind. */
export type FacilityKind = (typeof FACILITY_KINDS)[number];

/** Services a meter can measure (seed 002's registration types). */
export const SERVICE_TYPES = ['electricity', 'gas', 'water'] as const;
/** A meter's service type. */
export type ServiceType = (typeof SERVICE_TYPES)[number];

/**
 * What a channel's values mean:
 * - `power`: instantaneous power samples (energy comes from integration over time);
 * - `interval`: energy (or volume) consumed in the interval that ends or starts at the timestamp
 *   (see {@link Channel.intervalMs});
 * - `register`: a cumulative register (energy from deltas, with reset and rollover detection).
 */
export const MEASUREMENTS = ['power', 'interval', 'register'] as const;
/** What a channel measures. */
export type Measurement = (typeof MEASUREMENTS)[number];

/** Units accepted on channels. Energy rollups are always stored in Wh (or the volume unit for gas/water). */
export const UNITS = ['W', 'kW', 'Wh', 'kWh', 'm3', 'ft3', 'therm', 'L', 'gal'] as const;
/** A channel's unit. */
export type Unit = (typeof UNITS)[number];

/** Reading quality flags: 0 = good, 1 = estimated, 2 = interpolated, 3 = suspect. */
export const QUALITY = { good: 0, estimated: 1, interpolated: 2, suspect: 3 } as const;
/** A reading's quality flag. */
export type Quality = (typeof QUALITY)[keyof typeof QUALITY];

/** A tenant: owns users, facilities and everything below them. */
export interface Organisation {
  id: string;
  name: string;
  createdAt: number;
}

/** A site whose energy is measured. */
export interface Facility {
  id: string;
  orgId: string;
  name: string;
  kind: FacilityKind;
  address: string | null;
  zip: string | null;
  /** IANA time zone; calendar days and hours follow it, daylight saving included. */
  timeZone: string;
  tags: string[];
  createdAt: number;
}

/** A utility service point (seed 002: ServiceId, ServiceMeterId, tariff). */
export interface Meter {
  id: string;
  facilityId: string;
  serviceType: ServiceType;
  utilityMeterNumber: string | null;
  serviceId: string | null;
  tariff: string | null;
  utility: string | null;
}

/** One measured series: mains or a sub-meter / appliance circuit. */
export interface Channel {
  id: string;
  meterId: string;
  /** `mains` for whole-building channels; otherwise an appliance or circuit label (e.g. `fridge`). */
  name: string;
  /** True for the whole-building signal of its meter. */
  isMains: boolean;
  /** Appliance type for sub-metered channels (`fridge`, `kettle`, ...); null for mains. */
  appliance: string | null;
  measurement: Measurement;
  unit: Unit;
  /** Nominal sampling (power) or interval length (interval) in ms; null when irregular. */
  intervalMs: number | null;
  /**
   * Longest gap (ms) between two power samples that is still integrated; longer gaps are left out of
   * the energy and lower the coverage. Null means the default: for a power channel with an
   * `intervalMs`, 3 x the p99 of its observed steps clamped to 3-10 x intervalMs; otherwise
   * 3 x intervalMs, or 5 minutes when that is null too (docs/batch.md, gap rule).
   */
  maxGapMs: number | null;
  /** For registers: the value at which the register rolls over to zero (e.g. 99999 kWh); null when unknown. */
  rolloverAt: number | null;
}

/**
 * A batch of readings in columnar form: the hot path uses typed arrays, never an object per reading.
 * All arrays have the same length `length`. `channel` holds indexes into `channelIds`.
 */
export interface ReadingBatch {
  /** Channel ids referenced by `channel`. */
  channelIds: string[];
  /** Index into `channelIds` per reading. */
  channel: Int32Array;
  /** UTC milliseconds per reading. */
  ts: Float64Array;
  /** Value per reading in the channel's unit. */
  value: Float64Array;
  /** Quality flag per reading (see {@link QUALITY}). */
  quality: Uint8Array;
  /** Number of valid entries (arrays may be longer, for reuse). */
  length: number;
}

/** One reading as an object, for APIs and tests where convenience beats speed. */
export interface Reading {
  channelId: string;
  ts: number;
  value: number;
  quality: Quality;
}

/** Granularities at which rollups are kept. */
export const ROLLUP_PERIODS = ['hour', 'day'] as const;
/** A rollup's granularity. */
export type RollupPeriod = (typeof ROLLUP_PERIODS)[number];

/** Energy and power statistics of one channel over one local hour or calendar day. */
export interface Rollup {
  channelId: string;
  period: RollupPeriod;
  /** Start of the local hour/day as UTC ms. */
  start: number;
  /** Local calendar date `YYYY-MM-DD` (for days) or local date-time `YYYY-MM-DDTHH` (for hours). */
  label: string;
  /** Energy in Wh (volume unit for gas/water channels). */
  energy: number;
  /** Mean, min and max power in W over the covered time (null for interval/register channels without power). */
  meanPower: number | null;
  minPower: number | null;
  maxPower: number | null;
  samples: number;
  /** Fraction of the period covered by integrated data, 0..1. */
  coverage: number;
}

/** A per-channel threshold for the real-time layer (p97 by default). */
export interface Threshold {
  channelId: string;
  /** `p97`, `p99.5`, or a rule-specific name. */
  name: string;
  value: number;
  /** Percentile in 0..100 when computed from history. */
  percentile: number | null;
  computedAt: number;
  /** Time range of the history used, UTC ms. */
  from: number;
  to: number;
}

/** Threshold name for a percentile: `p97`, `p99.5`. */
export function thresholdName(percentile: number): string {
  return `p${percentile}`;
}

/** Alert states. */
export const ALERT_STATES = ['open', 'acknowledged', 'closed'] as const;
/** An alert's state. */
export type AlertState = (typeof ALERT_STATES)[number];

/** Alert severities. */
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
/** An alert's severity. */
export type Severity = (typeof SEVERITIES)[number];

/** An alert raised by a stream rule. */
export interface Alert {
  id: string;
  rule: string;
  channelId: string;
  facilityId: string;
  orgId: string;
  /** Event time when the condition started, UTC ms. */
  ts: number;
  /** Event time when the condition ended; null while it holds. */
  endTs: number | null;
  /** The channel's value that raised the alert (the peak for overshoots), in {@link Alert.unit}. */
  value: number;
  /** The level the value crossed, in {@link Alert.unit}; null when the rule has none (silence). */
  threshold: number | null;
  /**
   * The channel's unit, which `value` and `threshold` are in: W for power, Wh per interval for
   * interval-energy channels, a volume unit for gas and water. Null only for alerts stored before
   * units were recorded whose channel no longer exists.
   */
  unit: Unit | null;
  severity: Severity;
  state: AlertState;
  message: string;
  createdAt: number;
  updatedAt: number;
}
