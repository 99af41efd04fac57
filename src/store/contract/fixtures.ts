/** Small catalog and batch builders shared by the store contract suites. */
import type { Channel, Facility, Meter, Organisation, Reading, ReadingBatch } from '../../domain/types.ts';
import type { Store } from '../store.ts';

/** A residential facility in UTC with no address, zip or tags, created at 0. */
export function plainFacility(id: string, orgId: string, name = id): Facility {
  return {
    id,
    orgId,
    name,
    kind: 'residential',
    address: null,
    zip: null,
    timeZone: 'UTC',
    tags: [],
    createdAt: 0,
  };
}

/** An electricity meter with no utility details. */
export function electricityMeter(id: string, facilityId: string): Meter {
  return {
    id,
    facilityId,
    serviceType: 'electricity',
    utilityMeterNumber: null,
    serviceId: null,
    tariff: null,
    utility: null,
  };
}

/** A whole-house power channel in W sampled every second. */
export function powerMains(id: string, meterId: string): Channel {
  return {
    id,
    meterId,
    name: 'mains',
    isMains: true,
    appliance: null,
    measurement: 'power',
    unit: 'W',
    intervalMs: 1000,
    maxGapMs: null,
    rolloverAt: null,
  };
}

/** A catalog of one organisation, two facilities, two meters and three channels. */
export const CATALOG = {
  orgs: [{ id: 'org-a', name: 'Org A', createdAt: 1_700_000_000_000 }] satisfies Organisation[],
  facilities: [
    {
      id: 'fac-1',
      orgId: 'org-a',
      name: 'Maple House',
      kind: 'residential',
      address: '1 Maple Road',
      zip: 'V5K 0A1',
      timeZone: 'America/Vancouver',
      tags: ['pilot', 'heat-pump'],
      createdAt: 1_700_000_000_000,
    },
    {
      id: 'fac-2',
      orgId: 'org-a',
      name: 'Depot',
      kind: 'commercial',
      address: null,
      zip: null,
      timeZone: 'Europe/London',
      tags: [],
      createdAt: 1_700_000_000_001,
    },
  ] satisfies Facility[],
  meters: [
    {
      id: 'm-1',
      facilityId: 'fac-1',
      serviceType: 'electricity',
      utilityMeterNumber: '123',
      serviceId: 's-1',
      tariff: 'E-1',
      utility: 'BC Hydro',
    },
    {
      id: 'm-2',
      facilityId: 'fac-2',
      serviceType: 'gas',
      utilityMeterNumber: null,
      serviceId: null,
      tariff: null,
      utility: null,
    },
  ] satisfies Meter[],
  channels: [
    powerMains('c-mains', 'm-1'),
    {
      id: 'c-fridge',
      meterId: 'm-1',
      name: 'fridge',
      isMains: false,
      appliance: 'fridge',
      measurement: 'power',
      unit: 'W',
      intervalMs: 1000,
      maxGapMs: 5000,
      rolloverAt: null,
    },
    {
      id: 'c-gas',
      meterId: 'm-2',
      name: 'mains',
      isMains: true,
      appliance: null,
      measurement: 'register',
      unit: 'm3',
      intervalMs: null,
      maxGapMs: null,
      rolloverAt: 99999.5,
    },
  ] satisfies Channel[],
};

/** Upserts {@link CATALOG} into the store. */
export async function seedCatalog(store: Store): Promise<void> {
  await store.catalog.upsertOrganisations(CATALOG.orgs);
  await store.catalog.upsertFacilities(CATALOG.facilities);
  await store.catalog.upsertMeters(CATALOG.meters);
  await store.catalog.upsertChannels(CATALOG.channels);
}

/** Builds a columnar batch from reading objects. */
export function batchOf(readings: Reading[]): ReadingBatch {
  const channelIds = [...new Set(readings.map((r) => r.channelId))];
  const index = new Map(channelIds.map((id, i) => [id, i]));
  return {
    channelIds,
    channel: Int32Array.from(readings, (r) => index.get(r.channelId) ?? -1),
    ts: Float64Array.from(readings, (r) => r.ts),
    value: Float64Array.from(readings, (r) => r.value),
    quality: Uint8Array.from(readings, (r) => r.quality),
    length: readings.length,
  };
}

/**
 * A regular series: `n` readings of each channel every `stepMs` from `start`, channels interleaved,
 * value = a deterministic function of (channel, step) so reads can be checked.
 */
export function seriesBatch(channelIds: string[], start: number, n: number, stepMs: number): ReadingBatch {
  const total = n * channelIds.length;
  const channel = new Int32Array(total);
  const ts = new Float64Array(total);
  const value = new Float64Array(total);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < channelIds.length; c++) {
      const j = i * channelIds.length + c;
      channel[j] = c;
      ts[j] = start + i * stepMs;
      value[j] = seriesValue(c, i);
    }
  }
  return { channelIds, channel, ts, value, quality: new Uint8Array(total), length: total };
}

/** The value {@link seriesBatch} gives channel index `c` at step `i`. */
export function seriesValue(c: number, i: number): number {
  return (c + 1) * 100 + (i % 97) + 0.25;
}
