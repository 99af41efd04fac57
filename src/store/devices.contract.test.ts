/**
 * Contract of the device registry, run against both adapters on real databases: round trip, lookups
 * by name and token hash, names unique per organisation and tokens unique overall, patches (the
 * meter list as a list, null to unassign), activity summed per minute with last-seen moving forward
 * only, windows and pruning, and announcements of changes that can end a device's connections (to
 * another store on the same database as well).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../errors.ts';
import { STORE_FACTORIES, type TestStore } from './contract/factories.ts';
import type { Device } from './ports/devices.ts';
import type { Revocation } from './ports/revocations.ts';
import type { Store } from './store.ts';

const device = (id: string, orgId: string, name: string, patch: Partial<Device> = {}) => ({
  id,
  orgId,
  name,
  facilityId: null,
  meterIds: null,
  tokenHash: id.padEnd(64, '0'),
  tokenHint: 'lsd_abcd',
  tokenIssuedAt: 1_700_000_000_000,
  revokedAt: null,
  createdAt: 1_700_000_000_000,
  createdBy: null,
  source: 'registry' as const,
  ...patch,
});

const until = async (check: () => boolean, what: string, ms = 1500): Promise<void> => {
  for (const deadline = Date.now() + ms; !check(); await new Promise((r) => setTimeout(r, 5)))
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
};

describe.each(STORE_FACTORIES)('device registry on $kind', (factory) => {
  let t: TestStore;
  let peer: Store;
  beforeAll(async () => {
    t = await factory.open();
    peer = await t.peer();
    await peer.revocations.ready();
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('stores a device and finds it by id, name and token hash', async () => {
    const d = t.store.devices;
    expect(await d.get('d1')).toBeUndefined();
    await d.create(device('d1', 'o1', 'boiler-gw', { meterIds: ['m1', 'm2'], createdBy: 'u1' }));
    const want = {
      ...device('d1', 'o1', 'boiler-gw', { meterIds: ['m1', 'm2'], createdBy: 'u1' }),
      lastSeenAt: null,
      rejectedTotal: 0,
    };
    expect(await d.get('d1')).toEqual(want);
    expect(await d.getByName('o1', 'boiler-gw')).toEqual(want);
    expect(await d.getByName('o2', 'boiler-gw')).toBeUndefined();
    expect(await d.getByTokenHash('d1'.padEnd(64, '0'))).toEqual(want);
    expect(await d.getByTokenHash('f'.repeat(64))).toBeUndefined();
  });

  it('keeps names unique per organisation and tokens unique overall', async () => {
    const d = t.store.devices;
    await expect(d.create(device('d2', 'o1', 'boiler-gw'))).rejects.toBeInstanceOf(ConflictError);
    await expect(
      d.create(device('d3', 'o2', 'other', { tokenHash: 'd1'.padEnd(64, '0') })),
    ).rejects.toBeInstanceOf(ConflictError);
    await d.create(device('d4', 'o2', 'boiler-gw'));
    await d.create(device('d5', 'o1', 'attic'));
    expect((await d.list({ orgId: 'o1' })).map((x) => x.name)).toEqual(['attic', 'boiler-gw']);
    expect((await d.list()).map((x) => x.id)).toEqual(['d5', 'd1', 'd4']);
    await expect(d.update('d5', { name: 'boiler-gw' })).rejects.toBeInstanceOf(ConflictError);
    await expect(d.update('nope', { revokedAt: 1 })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('patches token, facility, meters and revocation, and announces each to every process', async () => {
    const d = t.store.devices;
    const seen: Revocation[] = [];
    const heard: Revocation[] = [];
    const stopSeen = t.store.revocations.watch((r) => seen.push(r));
    const stopHeard = peer.revocations.watch((r) => heard.push(r));
    try {
      await d.update('d5', { name: 'loft' });
      expect(seen).toEqual([]);
      await d.update('d5', { facilityId: 'f1', meterIds: ['m9'] });
      await d.update('d5', { tokenHash: 'e'.repeat(64), tokenHint: 'lsd_eeee', tokenIssuedAt: 5 });
      await d.update('d5', { facilityId: null, meterIds: null, revokedAt: 9 });
      const changed: Revocation = { type: 'device-changed', deviceId: 'd5' };
      expect(seen).toEqual([changed, changed, changed]);
      await until(() => heard.length >= 3, 'the peer to hear three changes');
      expect(heard).toEqual([changed, changed, changed]);
    } finally {
      stopSeen();
      stopHeard();
    }
    expect(await d.get('d5')).toMatchObject({
      name: 'loft',
      facilityId: null,
      meterIds: null,
      tokenHash: 'e'.repeat(64),
      tokenHint: 'lsd_eeee',
      tokenIssuedAt: 5,
      revokedAt: 9,
    });
    expect(await d.getByTokenHash('d5'.padEnd(64, '0'))).toBeUndefined();
  });

  it('sums activity per minute, moves last seen forward only, windows and prunes', async () => {
    const d = t.store.devices;
    const m = 1_700_000_040_000; // a whole minute
    await d.recordActivity([
      { deviceId: 'd1', minute: m, messages: 2, readings: 20, rejected: 1, lastSeenAt: m + 5000 },
      { deviceId: 'd1', minute: m + 60_000, messages: 3, readings: 30, rejected: 0, lastSeenAt: m + 70_000 },
      { deviceId: 'd4', minute: m, messages: 1, readings: 0, rejected: 4, lastSeenAt: m + 1000 },
    ]);
    await d.recordActivity([
      { deviceId: 'd1', minute: m, messages: 1, readings: 10, rejected: 2, lastSeenAt: m + 6000 },
    ]);
    expect(await d.get('d1')).toMatchObject({ lastSeenAt: m + 70_000, rejectedTotal: 3 });
    expect(await d.activity(['d1', 'd4', 'd5'], m)).toEqual([
      { deviceId: 'd1', messages: 6, readings: 60, rejected: 3 },
      { deviceId: 'd4', messages: 1, readings: 0, rejected: 4 },
    ]);
    expect(await d.activity(['d1'], m + 60_000)).toEqual([
      { deviceId: 'd1', messages: 3, readings: 30, rejected: 0 },
    ]);
    expect(await d.activity([], 0)).toEqual([]);
    await d.pruneActivity(m + 60_000);
    expect(await d.activity(['d1', 'd4'], 0)).toEqual([
      { deviceId: 'd1', messages: 3, readings: 30, rejected: 0 },
    ]);
    expect(await d.get('d4')).toMatchObject({ lastSeenAt: m + 1000, rejectedTotal: 4 });
  });
});
