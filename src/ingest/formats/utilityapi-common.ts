/**
 * Shared by the UtilityAPI CSV and JSON readers.
 *
 * UtilityAPI interval data. CSV with seed 002's columns (interval_start, interval_end, interval_kW,
 * interval_kWh, service_uid, source, updated, utility, utility_meter_number, utility_service_address,
 * utility_service_id, utility_tariff_name): one meter per service_uid with one interval-energy channel
 * `mains` in Wh (interval_kWh x 1000; when only interval_kW is given, kW x hours). The timestamp is
 * interval_start. JSON: `{ meta?, intervals: [{ readings: [{ start, end, kwh, datapoints? }] }] }`.
 */
import type { FormatContext } from '../format.ts';
import { type LocalTimeConverter, parseInstant, TS_MAX, TS_MIN } from '../time.ts';

/** Parses an interval bound; NaN with the rejection reason when it is not usable. */
export function instant(text: string, conv: LocalTimeConverter | null): { ts: number; problem: string } {
  const ts = parseInstant(text, conv);
  if (Number.isNaN(ts)) return { ts, problem: text.trim() === '' ? 'missing-value' : 'bad-timestamp' };
  if (!(ts >= TS_MIN && ts < TS_MAX)) return { ts: NaN, problem: 'timestamp-out-of-range' };
  return { ts, problem: '' };
}

/** Declares the meter (with its utility fields) and its `mains` interval channel; returns the channel index. */
export function channelFor(
  ctx: FormatContext,
  meter: string,
  intervalMs: number | null,
  info: Record<string, string | undefined>,
): number {
  const blank = (s: string | undefined): string | null => (s && s.trim() !== '' ? s.trim() : null);
  ctx.catalog.meter(meter, {
    serviceType: 'electricity',
    utilityMeterNumber: blank(info['utility_meter_number']),
    serviceId: blank(info['utility_service_id']),
    tariff: blank(info['utility_tariff_name']),
    utility: blank(info['utility']),
  });
  const address = blank(info['utility_service_address']);
  if (address && !ctx.catalog.facility.address) ctx.catalog.facility.address = address;
  return ctx.catalog.channel({
    meter,
    name: 'mains',
    isMains: true,
    appliance: null,
    measurement: 'interval',
    unit: 'Wh',
    intervalMs,
  });
}
