/**
 * Files beside the readings: the catalog (`catalog.json`, `channels.csv`), seed 002's registrations
 * (`registrations.csv`) and the ground truth (`truth/truth.json` plus one CSV per kind).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Fleet } from '../fleet.ts';
import type { FleetTruth } from '../truth.ts';
import { isoUtc } from './text-file.ts';
import { csvField } from '../../util/csv.ts';

function csv(header: string[], rows: (string | number | boolean | null)[][]): string {
  return [header.join(','), ...rows.map((r) => r.map(csvField).join(','))].join('\n') + '\n';
}

/** Writes catalog.json, channels.csv and registrations.csv into `dir`. */
export async function writeCatalogFiles(fleet: Fleet, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const { orgs, facilities, meters, channels } = fleet;
  await writeFile(
    join(dir, 'catalog.json'),
    JSON.stringify({ organisations: orgs, facilities, meters, channels }, null, 1) + '\n',
  );
  await writeFile(
    join(dir, 'channels.csv'),
    csv(
      [
        'channel_key',
        'channel_id',
        'meter_id',
        'name',
        'is_mains',
        'appliance',
        'measurement',
        'unit',
        'interval_ms',
      ],
      channels.map((c, i) => [
        i + 1,
        c.id,
        c.meterId,
        c.name,
        c.isMains,
        c.appliance,
        c.measurement,
        c.unit,
        c.intervalMs,
      ]),
    ),
  );
  // Seed 002's registration record: ServiceId, ServiceZipcode, Name, Type, ServiceMeterId (+ ids and address).
  await writeFile(
    join(dir, 'registrations.csv'),
    csv(
      [
        'service_id',
        'service_zipcode',
        'name',
        'type',
        'service_meter_id',
        'meter_id',
        'facility_id',
        'address',
        'kind',
      ],
      fleet.sim.map((s) => {
        const f = fleet.facilities[s.facilityIndex];
        const m = s.meter;
        return [
          m.serviceId,
          f?.zip ?? null,
          f?.name ?? null,
          m.serviceType,
          m.utilityMeterNumber,
          m.id,
          m.facilityId,
          f?.address ?? null,
          f?.kind ?? null,
        ];
      }),
    ),
  );
  void meters;
}

/** Writes `truth.json` and the per-kind CSVs into `dir`. */
export async function writeTruthFiles(truth: FleetTruth, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'truth.json'), JSON.stringify(truth, null, 1) + '\n');
  await writeFile(
    join(dir, 'spikes.csv'),
    csv(
      ['channel_id', 'meter_id', 'start', 'end', 'start_ms', 'end_ms', 'peak_w', 'factor'],
      truth.spikes.map((s) => [
        s.channelId,
        s.meterId,
        isoUtc(s.start),
        isoUtc(s.end),
        s.start,
        s.end,
        s.peakW,
        Math.round(s.factor * 1000) / 1000,
      ]),
    ),
  );
  await writeFile(
    join(dir, 'appliance_channels.csv'),
    csv(
      ['channel_id', 'meter_id', 'facility_id', 'appliance', 'rated_w'],
      truth.applianceChannels.map((c) => [c.channelId, c.meterId, c.facilityId, c.appliance, c.ratedW]),
    ),
  );
  await writeFile(
    join(dir, 'unusual_facilities.csv'),
    csv(
      ['facility_id', 'meter_id', 'label', 'extra_w'],
      truth.unusualFacilities.map((u) => [u.facilityId, u.meterId, u.label, u.extraW]),
    ),
  );
  await writeFile(
    join(dir, 'heavy_meters.csv'),
    csv(
      ['meter_id', 'facility_id', 'kind', 'factor'],
      truth.heavyMeters.map((h) => [h.meterId, h.facilityId, h.kind, h.factor]),
    ),
  );
  const kwh = (wh: number) => Math.round(wh) / 1000;
  await writeFile(
    join(dir, 'solar_homes.csv'),
    csv(
      [
        'meter_id',
        'facility_id',
        'pv_peak_w',
        'tilt_deg',
        'azimuth_deg',
        'inverter_w',
        'battery_wh',
        'battery_w',
        'load_kwh',
        'pv_kwh',
        'import_kwh',
        'export_kwh',
        'charge_kwh',
        'discharge_kwh',
        'self_consumed_kwh',
      ],
      truth.solarHomes.map((h) => {
        const t = truth.solar.find((x) => x.meterId === h.meterId);
        return [
          h.meterId,
          h.facilityId,
          h.pv.peakW,
          h.pv.tiltDeg,
          h.pv.azimuthDeg,
          h.pv.inverterW,
          h.battery?.capacityWh ?? '',
          h.battery?.powerW ?? '',
          ...(t
            ? [
                t.load,
                t.pv,
                t.gridImport,
                t.gridExport,
                t.batteryCharge,
                t.batteryDischarge,
                t.selfConsumed,
              ].map(kwh)
            : ['', '', '', '', '', '', '']),
        ];
      }),
    ),
  );
}
