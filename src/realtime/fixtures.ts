/** A small two-organisation fleet for the real-time tests and benchmark. */
import type { Channel, Facility, Meter, Organisation } from '../domain/types.ts';
import type { StorePort } from '../store/store.ts';
import { createStaticDeviceAuth } from './device-auth.ts';

/** Organisations o1 (meters m1, m2) and o2 (meter m9), each meter with `mains` and `fridge`. */
export function fleetCatalog(metersPerOrg = 2): {
  orgs: Organisation[];
  facilities: Facility[];
  meters: Meter[];
  channels: Channel[];
} {
  const orgs: Organisation[] = [
    { id: 'o1', name: 'Org one', createdAt: 0 },
    { id: 'o2', name: 'Org two', createdAt: 0 },
  ];
  const facilities: Facility[] = [];
  const meters: Meter[] = [];
  const channels: Channel[] = [];
  for (const org of orgs) {
    for (let i = 1; i <= metersPerOrg; i++) {
      const m = org.id === 'o1' ? `m${i}` : `m${90 + i}`;
      facilities.push({
        id: `f-${m}`,
        orgId: org.id,
        name: `Site ${m}`,
        kind: 'residential',
        address: null,
        zip: '12345',
        timeZone: 'UTC',
        tags: [],
        createdAt: 0,
      });
      meters.push({
        id: m,
        facilityId: `f-${m}`,
        serviceType: 'electricity',
        utilityMeterNumber: null,
        serviceId: null,
        tariff: null,
        utility: null,
      });
      for (const name of ['mains', 'fridge'])
        channels.push({
          id: `${m}.${name}`,
          meterId: m,
          name,
          isMains: name === 'mains',
          appliance: name === 'mains' ? null : name,
          measurement: 'power',
          unit: 'W',
          intervalMs: 1000,
          maxGapMs: null,
          rolloverAt: null,
        });
    }
  }
  return { orgs, facilities, meters, channels };
}

/** Writes {@link fleetCatalog} into a store. */
export async function seedFleet(
  store: StorePort<'catalog', 'upsertOrganisations' | 'upsertFacilities' | 'upsertMeters' | 'upsertChannels'>,
  metersPerOrg = 2,
): Promise<void> {
  const c = fleetCatalog(metersPerOrg);
  await store.catalog.upsertOrganisations(c.orgs);
  await store.catalog.upsertFacilities(c.facilities);
  await store.catalog.upsertMeters(c.meters);
  await store.catalog.upsertChannels(c.channels);
}

/** Device tokens: a gateway of o1 (all meters), a device limited to m1, and a gateway of o2. */
export const TEST_TOKENS = {
  gateway: 'gw-o1-secret-token-0001',
  m1only: 'dev-m1-secret-token-0001',
  other: 'gw-o2-secret-token-0001',
} as const;

/** A {@link DeviceAuth} knowing {@link TEST_TOKENS}. */
export function testDeviceAuth() {
  return createStaticDeviceAuth([
    { id: 'gw-o1', orgId: 'o1', token: TEST_TOKENS.gateway },
    { id: 'dev-m1', orgId: 'o1', meterIds: ['m1'], token: TEST_TOKENS.m1only },
    { id: 'gw-o2', orgId: 'o2', token: TEST_TOKENS.other },
  ]);
}
