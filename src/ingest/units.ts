/**
 * Unit normalisation: power is stored in W, electric energy in Wh, gas and water in the channel's own
 * volume (or therm) unit. Each accepted spelling maps to the stored unit and a factor.
 */
import type { Measurement, Unit } from '../domain/types.ts';

/** How to turn a value in some unit into the stored unit. */
export interface UnitRule {
  unit: Unit;
  factor: number;
  /** The measurement a channel in this unit has when the file does not say. */
  measurement: Measurement;
}

const RULES: Record<string, UnitRule> = {
  w: { unit: 'W', factor: 1, measurement: 'power' },
  kw: { unit: 'W', factor: 1000, measurement: 'power' },
  mw: { unit: 'W', factor: 1e6, measurement: 'power' },
  wh: { unit: 'Wh', factor: 1, measurement: 'interval' },
  kwh: { unit: 'Wh', factor: 1000, measurement: 'interval' },
  mwh: { unit: 'Wh', factor: 1e6, measurement: 'interval' },
  m3: { unit: 'm3', factor: 1, measurement: 'interval' },
  'm³': { unit: 'm3', factor: 1, measurement: 'interval' },
  ft3: { unit: 'ft3', factor: 1, measurement: 'interval' },
  ccf: { unit: 'ft3', factor: 100, measurement: 'interval' },
  therm: { unit: 'therm', factor: 1, measurement: 'interval' },
  therms: { unit: 'therm', factor: 1, measurement: 'interval' },
  l: { unit: 'L', factor: 1, measurement: 'interval' },
  gal: { unit: 'gal', factor: 1, measurement: 'interval' },
};

/** The rule for a unit text (case-insensitive), or undefined when the unit is unknown. */
export function unitRule(text: string): UnitRule | undefined {
  return RULES[text.trim().toLowerCase()];
}

/** The accepted unit spellings, for error messages. */
export const KNOWN_UNITS = 'W, kW, MW, Wh, kWh, MWh, m3, ft3, ccf, therm, L, gal';

/**
 * Largest magnitude a reading may have in each channel unit: beyond it the value is not a
 * measurement but a fault (a swapped field, a unit error, a hostile client), and it is quarantined
 * at ingest instead of reaching windows, alerts and the store. Each limit admits the largest real
 * meters with room to spare, registers included (cumulative over decades):
 * - W 1e9 (1 GW, a power station's output; kW 1e6 is the same);
 * - Wh 1e13 (10 TWh, a 100 MW site's register after 11 years; kWh 1e10);
 * - m3 1e9 and therm 1e9 (a city gate's gas register), ft3 1e11 (about 35 x m3);
 * - L 1e12 and gal 1e12 (a utility's water register, 1e9 m3).
 * Negative values are allowed to the same magnitude (export to the grid, register corrections).
 */
export const PHYSICAL_LIMITS: Readonly<Record<Unit, number>> = Object.freeze({
  W: 1e9,
  kW: 1e6,
  Wh: 1e13,
  kWh: 1e10,
  m3: 1e9,
  ft3: 1e11,
  therm: 1e9,
  L: 1e12,
  gal: 1e12,
});

/**
 * Why `value` cannot be a reading of a channel in `unit` (not finite, or beyond
 * {@link PHYSICAL_LIMITS}), or undefined when it can.
 */
export function physicalRangeError(unit: Unit, value: number): string | undefined {
  if (!Number.isFinite(value)) return `expected a finite number, got ${value}`;
  const limit = PHYSICAL_LIMITS[unit];
  if (Math.abs(value) <= limit) return undefined;
  return `out of physical range: ${value} ${unit} is beyond ±${limit} ${unit}, the limit for a channel in ${unit}`;
}
