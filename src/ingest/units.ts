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
