/** The channel directory finds imported channels by their short topic name as well as their name. */
import { describe, expect, it } from 'vitest';
import type { Channel, Facility, Meter } from '../domain/types.ts';
import { createChannelDirectory } from './directory.ts';

const facility: Facility = {
  id: 'site',
  orgId: 'org',
  name: 'Site',
  kind: 'residential',
  address: null,
  zip: null,
  timeZone: 'UTC',
  tags: [],
  createdAt: 0,
};
const meter: Meter = {
  id: 'site:svc-1',
  facilityId: 'site',
  serviceType: 'electricity',
  utilityMeterNumber: 'E1',
  serviceId: null,
  tariff: null,
  utility: null,
};
const channel = (id: string, name: string): Channel => ({
  id,
  meterId: meter.id,
  name,
  isMains: true,
  appliance: null,
  measurement: 'interval',
  unit: 'Wh',
  intervalMs: 900_000,
  maxGapMs: null,
  rolloverAt: null,
});

describe('channel directory', () => {
  it('addresses a channel with a readable name by the short name its id ends with', async () => {
    const channels = [
      channel('site:svc-1:mains', 'Electricity, meter E1'),
      channel('site:svc-1:fridge', 'fridge'),
    ];
    const dir = createChannelDirectory({
      catalog: {
        listFacilities: () => Promise.resolve([facility]),
        listMeters: () => Promise.resolve([meter]),
        listChannels: () => Promise.resolve(channels),
      },
    });
    await dir.refresh(true);
    expect(dir.byName('org', 'site:svc-1', 'mains')?.id).toBe('site:svc-1:mains');
    expect(dir.byName('org', 'site:svc-1', 'Electricity, meter E1')?.id).toBe('site:svc-1:mains');
    expect(dir.byName('org', 'site:svc-1', 'fridge')?.id).toBe('site:svc-1:fridge');
    expect(dir.byName('other', 'site:svc-1', 'mains')).toBeUndefined();
  });
});
