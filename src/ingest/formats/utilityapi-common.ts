/**
 * Shared by the UtilityAPI CSV and JSON readers.
 *
 * UtilityAPI interval data. Rows with seed 002's fields (interval_start, interval_end, interval_kW,
 * interval_kWh, service_uid, source, updated, utility, utility_meter_number, utility_service_address,
 * utility_service_id, utility_tariff_name, and for gas and water interval_volume with volume_unit),
 * as CSV lines or as JSON objects; or JSON blocks `{ meta?, readings: [{ start, end, kwh, datapoints? }] }`.
 * One meter per service: electricity is an interval-energy channel `mains` in Wh (interval_kWh x
 * 1000; when only interval_kW is given, kW x hours), gas and water a channel `gas` / `water` in the
 * row's volume unit. The timestamp is interval_start. Without a chosen facility, each service goes to
 * the facility the organisation already has it in, else to a facility of its service address.
 */
import type { ServiceType, Unit } from '../../domain/types.ts';
import { facilityOfAddress } from '../catalog-routing.ts';
import type { FormatContext } from '../format.ts';
import { kindFromText, serviceName } from '../naming.ts';
import { numberProblem, OUT_OF_RANGE, overflowMessage } from '../numbers.ts';
import type { LocalTimeConverter } from '../../util/time/index.ts';
import { parseInstant, TS_MAX, TS_MIN } from '../time.ts';
import { KNOWN_UNITS, unitRule } from '../units.ts';

/** Parses an interval bound; NaN with the rejection reason when it is not usable. */
export function instant(text: string, conv: LocalTimeConverter | null): { ts: number; problem: string } {
  const ts = parseInstant(text, conv);
  if (Number.isNaN(ts)) return { ts, problem: text.trim() === '' ? 'missing-value' : 'bad-timestamp' };
  if (!(ts >= TS_MIN && ts < TS_MAX)) return { ts: NaN, problem: 'timestamp-out-of-range' };
  return { ts, problem: '' };
}

/** What a service measures: its type and the stored unit of its channel. */
export interface ServiceKind {
  serviceType: ServiceType;
  unit: Unit;
}

/** Electricity: interval energy in Wh. */
export const ELECTRICITY: ServiceKind = { serviceType: 'electricity', unit: 'Wh' };

/** Gas or water from a volume unit (`m3`, `ccf`, `therm`, `L`, `gal`); undefined when unknown. */
export function volumeKind(unitText: string): (ServiceKind & { factor: number }) | undefined {
  const rule = unitRule(unitText);
  if (!rule || rule.measurement !== 'interval' || rule.unit === 'Wh') return undefined;
  const water = rule.unit === 'L' || rule.unit === 'gal';
  return { serviceType: water ? 'water' : 'gas', unit: rule.unit, factor: rule.factor };
}

/**
 * Declares the service's meter (placed by service id, meter number, uid or address) and its channel
 * (`mains` for electricity, else `gas` / `water`); returns the channel index.
 */
export function channelFor(
  ctx: FormatContext,
  uid: string,
  intervalMs: number | null,
  info: Record<string, string | undefined>,
  kind: ServiceKind = ELECTRICITY,
): number {
  const blank = (s: string | undefined): string | null => (s && s.trim() !== '' ? s.trim() : null);
  const address = blank(info['utility_service_address']);
  const serviceId = blank(info['utility_service_id']);
  const meterNumber = blank(info['utility_meter_number']);
  const tariff = blank(info['utility_tariff_name']);
  const kindOfFacility = kindFromText(tariff);
  const meterId = ctx.catalog.placeMeter(
    uid,
    {
      serviceType: kind.serviceType,
      utilityMeterNumber: meterNumber,
      serviceId,
      tariff,
      utility: blank(info['utility']),
    },
    {
      keys: { serviceId, meterNumber, uid },
      ...(address
        ? { facility: { ...facilityOfAddress(address), ...(kindOfFacility ? { kind: kindOfFacility } : {}) } }
        : {}),
    },
  );
  if (address && ctx.catalog.facility.chosen && !ctx.catalog.facility.address)
    ctx.catalog.facility.address = address;
  const electric = kind.serviceType === 'electricity';
  return ctx.catalog.channel({
    meter: uid,
    meterId,
    name: electric ? 'mains' : kind.serviceType,
    // Named by its service and meter, as the utility's bill names it.
    label: `${serviceName(kind.serviceType)}, ${meterNumber ? `meter ${meterNumber}` : `service ${uid}`}`,
    isMains: true,
    appliance: null,
    measurement: 'interval',
    unit: kind.unit,
    intervalMs,
  });
}

/** A row's value in the stored unit with its service, or the rejection of the row. */
export type RowValue =
  | { ok: true; value: number; kind: ServiceKind }
  | { ok: false; field: string; reason: string; message: string };

/**
 * The value of one seed-002 row: interval_kWh, else interval_kW x hours, else interval_volume in
 * volume_unit (gas, water). `get` returns a field's text by lower-case name.
 */
export function rowValue(get: (name: string) => string | undefined, hours: number): RowValue {
  const text = (name: string): string => (get(name) ?? '').trim();
  const num = (t: string): number =>
    /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) ? Number(t) : Number.NaN;
  const scaled = (field: string, t: string, factor: number, what: string, kind: ServiceKind): RowValue => {
    const v = num(t);
    if (!Number.isFinite(v))
      return {
        ok: false,
        field,
        reason: numberProblem(t),
        message: `expected a finite number, found '${t}'`,
      };
    const value = v * factor;
    if (!Number.isFinite(value))
      return { ok: false, field, reason: OUT_OF_RANGE, message: overflowMessage(v, what) };
    return { ok: true, value, kind };
  };
  const kwh = text('interval_kwh');
  if (kwh !== '') return scaled('interval_kWh', kwh, 1000, '1000 (interval_kWh to Wh)', ELECTRICITY);
  const kw = text('interval_kw');
  if (kw !== '')
    return scaled('interval_kW', kw, 1000 * hours, '1000 x hours (interval_kW to Wh)', ELECTRICITY);
  const volume = text('interval_volume');
  if (volume === '')
    return {
      ok: false,
      field: 'interval_kWh',
      reason: 'missing-value',
      message: 'no value: interval_kWh, interval_kW and interval_volume are all empty',
    };
  const unit = text('volume_unit');
  const kind = volumeKind(unit);
  if (!kind)
    return {
      ok: false,
      field: 'volume_unit',
      reason: unit === '' ? 'missing-value' : 'unknown-unit',
      message: `volume_unit '${unit}' is not a gas or water unit; expected one of ${KNOWN_UNITS}`,
    };
  return scaled('interval_volume', volume, kind.factor, `${kind.factor} (${unit} to ${kind.unit})`, kind);
}
