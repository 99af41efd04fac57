/**
 * ESPI (Green Button) code tables: units of measure, service kinds, accumulation behaviours, and a
 * time zone chosen from LocalTimeParameters.
 */
import type { Measurement, ServiceType, Unit } from '../../domain/types.ts';
import { intervalName, serviceName } from '../naming.ts';

/** Stored unit and factor per ESPI `uom` code (IEC 61968-9 / CIM UnitSymbol). */
export const ESPI_UOM: Record<number, { unit: Unit; factor: number; name: string }> = {
  72: { unit: 'Wh', factor: 1, name: 'Wh' },
  38: { unit: 'W', factor: 1, name: 'W' },
  169: { unit: 'therm', factor: 1, name: 'therm' },
  42: { unit: 'm3', factor: 1, name: 'm3' },
  119: { unit: 'ft3', factor: 1, name: 'ft3' },
};

/** ServiceCategory kinds the store has meters for; others (time, heat, refuse, ...) are rejected. */
export const ESPI_SERVICE: Record<number, ServiceType> = { 0: 'electricity', 1: 'gas', 2: 'water' };

/**
 * Measurement from `accumulationBehaviour`: 4 (deltaData) is interval energy; 1 (bulkQuantity),
 * 3 (cumulative) and 9 (summation) are registers; 6 (indicating) is an instantaneous value. Missing
 * means interval, the Green Button norm.
 */
export function espiMeasurement(acc: number | undefined, unit: Unit): Measurement {
  if (unit === 'W') return 'power';
  if (acc === 1 || acc === 3 || acc === 9) return 'register';
  return 'interval';
}

const NA_RULES = { start: '360E2000', end: 'B40E2000' };
const NA_ZONES: Record<number, string> = {
  [-18000]: 'America/New_York',
  [-21600]: 'America/Chicago',
  [-25200]: 'America/Denver',
  [-28800]: 'America/Los_Angeles',
  [-32400]: 'America/Anchorage',
};

/**
 * An IANA zone for LocalTimeParameters. The North American rules (second Sunday of March to the
 * first Sunday of November, 02:00) with a standard offset pick the matching US zone; without
 * daylight saving a fixed `Etc/GMT±N` zone; otherwise (unknown rules, odd offsets) null, and the
 * caller keeps its default.
 */
export function zoneFromLocalTime(p: {
  tzOffset?: number;
  dstOffset?: number;
  dstStartRule?: string;
  dstEndRule?: string;
}): string | null {
  if (p.tzOffset === undefined || p.tzOffset % 3600 !== 0) return null;
  const hours = p.tzOffset / 3600;
  if (!p.dstOffset) return hours === 0 ? 'UTC' : `Etc/GMT${hours > 0 ? '-' : '+'}${Math.abs(hours)}`;
  if (p.dstStartRule?.toUpperCase() === NA_RULES.start && p.dstEndRule?.toUpperCase() === NA_RULES.end)
    return NA_ZONES[p.tzOffset] ?? null;
  return null;
}

/**
 * The readable name of a Green Button channel: its MeterReading's title (`Hourly Electricity
 * Consumption`), else what its ReadingType says (`Electricity use, 1 h`); `, exported` for energy
 * received from the customer (flowDirection 19) unless the title says so already.
 */
export function espiChannelLabel(p: {
  title: string;
  service: ServiceType;
  measurement: Measurement;
  intervalMs: number | null;
  reverse: boolean;
}): string {
  const what = p.measurement === 'power' ? 'power' : p.measurement === 'register' ? 'meter register' : 'use';
  const base =
    p.title ||
    `${serviceName(p.service)} ${what}${p.intervalMs ? `, ${intervalName(p.intervalMs / 1000)}` : ''}`;
  return p.reverse && !/export|received|generat/i.test(base) ? `${base}, exported` : base;
}
