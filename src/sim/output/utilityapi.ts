/**
 * UtilityAPI-style interval output (seed 002's schema) for the fleet's interval meters: CSV with the
 * columns interval_start, interval_end, interval_kW, interval_kWh, service_uid, source, updated,
 * utility, utility_meter_number, utility_service_address, utility_service_id, utility_tariff_name,
 * plus interval_volume and volume_unit for gas and water (their kW/kWh are left empty), and a JSON
 * file `{"intervals": [...]}` holding the same fields per interval. Appliance-level houses (power
 * channels) are not UtilityAPI data and are left out. `updated` is the end of the generated range,
 * so that the output is the same on every run.
 */
import type { Channel, ReadingBatch } from '../../domain/types.ts';
import type { Fleet } from '../fleet.ts';
import { createIsoUtc, openTextFile } from './text-file.ts';
import { csvField } from '../../util/csv.ts';

/** The CSV header. */
export const UTILITYAPI_COLUMNS = [
  'interval_start',
  'interval_end',
  'interval_kW',
  'interval_kWh',
  'service_uid',
  'source',
  'updated',
  'utility',
  'utility_meter_number',
  'utility_service_address',
  'utility_service_id',
  'utility_tariff_name',
  'interval_volume',
  'volume_unit',
] as const;

/** Writer of the UtilityAPI CSV and JSON files. */
export interface UtilityApiSink {
  write(batch: ReadingBatch): Promise<void>;
  /** Returns the number of intervals written. */
  close(): Promise<number>;
}

/** Opens `csvPath` and `jsonPath` (either may be null to skip it). */
export async function createUtilityApiSink(
  fleet: Fleet,
  opts: { csvPath: string | null; jsonPath: string | null; updated: number },
): Promise<UtilityApiSink> {
  const csv = opts.csvPath ? openTextFile(opts.csvPath) : null;
  const json = opts.jsonPath ? openTextFile(opts.jsonPath) : null;
  await csv?.write(UTILITYAPI_COLUMNS.join(',') + '\n');
  await json?.write('{"intervals":[');
  const isoUtc = createIsoUtc();
  const updated = isoUtc(opts.updated);
  // Per channel: the constant part of each row, or null for channels that are not interval data.
  const fixed = fleet.channels.map((c: Channel, k) => {
    // A solar home's export, PV and battery channels are not the utility's consumption intervals.
    if (c.measurement !== 'interval' || c.intervalMs === null || !c.isMains) return null;
    const sm = fleet.sim[fleet.channelMeter[k] as number];
    const m = sm?.meter;
    const f = sm ? fleet.facilities[sm.facilityIndex] : undefined;
    if (!m || !f) return null;
    const obj = {
      service_uid: m.id,
      source: 'loadscope-sim',
      updated,
      utility: m.utility,
      utility_meter_number: m.utilityMeterNumber,
      utility_service_address: f.address,
      utility_service_id: m.serviceId,
      utility_tariff_name: m.tariff,
    };
    return {
      c,
      obj,
      csv: Object.values(obj).map(csvField).join(','),
      electric: c.unit === 'Wh',
      hours: c.intervalMs / 3_600_000,
    };
  });
  let total = 0;
  let first = true;
  return {
    async write(b) {
      const csvLines: string[] = [];
      const jsonParts: string[] = [];
      for (let i = 0; i < b.length; i++) {
        const f = fixed[b.channel[i] as number];
        if (!f) continue;
        const t = b.ts[i] as number;
        const v = b.value[i] as number;
        const start = isoUtc(t);
        const end = isoUtc(t + (f.c.intervalMs as number));
        const kwh = f.electric ? Math.round(v * 10) / 10000 : null;
        const kw = kwh === null ? null : Math.round((kwh / f.hours) * 10000) / 10000;
        const volume = f.electric ? null : v;
        const unit = f.electric ? null : f.c.unit;
        if (csv)
          csvLines.push(`${start},${end},${kw ?? ''},${kwh ?? ''},${f.csv},${volume ?? ''},${unit ?? ''}\n`);
        if (json) {
          const row = {
            interval_start: start,
            interval_end: end,
            interval_kW: kw,
            interval_kWh: kwh,
            ...f.obj,
            interval_volume: volume,
            volume_unit: unit,
          };
          jsonParts.push((first ? '\n' : ',\n') + JSON.stringify(row));
          first = false;
        }
        total++;
      }
      if (csv) await csv.write(csvLines.join(''));
      if (json) await json.write(jsonParts.join(''));
    },
    async close() {
      await csv?.close();
      if (json) {
        await json.write('\n]}\n');
        await json.close();
      }
      return total;
    },
  };
}
