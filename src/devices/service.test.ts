/**
 * The registry on a real DuckDB store: a token is issued once and kept hashed, the list reports
 * status by the stated thresholds, message rate and refused readings (the unflushed counts of this
 * process included), a rotated or revoked token stops verifying at once though it was cached, an
 * assigned device may publish for its facility's meters only, and names, facilities and other
 * organisations' devices are refused with a clear error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, NotFoundError } from '../errors.ts';
import { electricityMeter, plainFacility } from '../store/contract/fixtures.ts';
import { createDuckdbStore } from '../store/duckdb/index.ts';
import type { Store } from '../store/store.ts';
import { countingIngest, createDeviceActivity, type DeviceActivityTracker } from './activity.ts';
import { createRegistryDeviceAuth, type RegistryDeviceAuth } from './auth.ts';
import { createDeviceService, type DeviceService } from './service.ts';
import { STATUS_THRESHOLDS } from './status.ts';
import { hashDeviceToken } from './tokens.ts';

describe('device registry', () => {
  let store: Store;
  let clock = 1_700_000_000_000;
  const now = (): number => clock;
  let service: DeviceService;
  let auth: RegistryDeviceAuth;
  let activity: DeviceActivityTracker;

  beforeAll(async () => {
    store = await createDuckdbStore({ path: ':memory:', threads: 1 });
    await store.migrate();
    await store.catalog.upsertOrganisations([
      { id: 'o1', name: 'o1', createdAt: 0 },
      { id: 'o2', name: 'o2', createdAt: 0 },
    ]);
    await store.catalog.upsertFacilities([plainFacility('f1', 'o1', 'Bakery'), plainFacility('f2', 'o2')]);
    await store.catalog.upsertMeters([electricityMeter('m1', 'f1'), electricityMeter('m2', 'f1')]);
    activity = createDeviceActivity({ store, now });
    service = createDeviceService({ store, now, activity });
    auth = createRegistryDeviceAuth({ store, now });
    store.revocations.watch((r) => auth.invalidate(r));
  });
  afterAll(async () => {
    await store?.close();
  });

  it('issues a token once and keeps only its hash', async () => {
    const { device, token } = await service.provision({ orgId: 'o1', name: 'gw-1', createdBy: 'u1' });
    expect(token).toMatch(/^lsd_[A-Za-z0-9_-]{43}$/);
    expect(device).toMatchObject({
      name: 'gw-1',
      status: 'silent',
      lastSeenAt: null,
      messagesPerMinute: 0,
      token: { state: 'active', hint: token.slice(0, 8) },
    });
    const row = await store.devices.get(device.id);
    expect(row?.tokenHash).toBe(hashDeviceToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(await auth.verify(token)).toEqual({
      id: 'gw-1',
      orgId: 'o1',
      deviceId: device.id,
      deviceKey: expect.stringMatching(/^dev:/),
    });
    expect(JSON.stringify(await service.list('o1'))).not.toContain(token);
  });

  it('reports status by the thresholds, the message rate and refused readings', async () => {
    const ingest = countingIngest(
      {
        limits: {} as never,
        stats: () => ({ messages: 0, accepted: 0, rejected: 0 }),
        mqtt: async () => ({ accepted: 3, rejected: [{ reason: 'bad' }] }),
        http: async () => ({ accepted: 1, rejected: [] }),
      },
      activity,
    );
    const id = await auth.verify(
      (await service.provision({ orgId: 'o1', name: 'gw-2', createdBy: null })).token,
    );
    for (let i = 0; i < 10; i++) await ingest.mqtt(id!, 't', Buffer.from('{}'));
    expect(await service.get('o1', 'gw-2')).toMatchObject({
      status: 'online',
      lastSeenAt: clock,
      messagesPerMinute: 2,
      rejected24h: 10,
    });
    await activity.flush();
    expect(await service.get('o1', 'gw-2')).toMatchObject({
      status: 'online',
      rejectedTotal: 10,
      rejected24h: 10,
    });
    clock += STATUS_THRESHOLDS.onlineMs + 1;
    expect(await service.get('o1', 'gw-2')).toMatchObject({ status: 'stale', messagesPerMinute: 2 });
    clock += STATUS_THRESHOLDS.staleMs;
    expect(await service.get('o1', 'gw-2')).toMatchObject({ status: 'silent', messagesPerMinute: 0 });
  });

  it('stops a rotated or revoked token at once, though it was cached', async () => {
    const first = await service.provision({ orgId: 'o1', name: 'gw-3', createdBy: null });
    expect(await auth.verify(first.token)).toBeDefined();
    const second = await service.rotate('o1', 'gw-3');
    expect(second.token).not.toBe(first.token);
    expect(await auth.verify(first.token)).toBeUndefined();
    expect(await auth.verify(second.token)).toMatchObject({ id: 'gw-3' });
    const revoked = await service.revoke('o1', first.device.id);
    expect(revoked.token).toMatchObject({ state: 'revoked', revokedAt: clock });
    expect(await auth.verify(second.token)).toBeUndefined();
    expect(await auth.credentialState({ deviceId: first.device.id })).toEqual({ valid: false });
    const third = await service.rotate('o1', 'gw-3');
    expect(third.device.token.state).toBe('active');
    expect(await auth.verify(third.token)).toBeDefined();
  });

  it("limits an assigned device to its facility's meters, and closes what the old scope opened", async () => {
    const { device, token } = await service.provision({ orgId: 'o1', name: 'gw-4', createdBy: null });
    const before = await auth.verify(token);
    expect(before?.meterIds).toBeUndefined();
    const assigned = await service.assign('o1', 'gw-4', 'f1');
    expect(assigned).toMatchObject({ facilityId: 'f1', facilityName: 'Bakery' });
    const after = await auth.verify(token);
    expect(after?.meterIds?.sort()).toEqual(['m1', 'm2']);
    expect(await auth.credentialState({ deviceId: device.id, deviceKey: before!.deviceKey! })).toEqual({
      valid: false,
    });
    expect(await auth.credentialState({ deviceId: device.id, deviceKey: after!.deviceKey! })).toEqual({
      valid: true,
      expiresAt: null,
    });
    expect((await service.assign('o1', 'gw-4', null)).facilityId).toBeNull();
  });

  it('refuses bad names, taken names, foreign facilities and foreign devices', async () => {
    for (const name of ['', ' gw', 'a/b', 'x'.repeat(65), '../etc', 'gw 5', '<script>'])
      await expect(service.provision({ orgId: 'o1', name, createdBy: null })).rejects.toThrow(
        /field 'name': expected 1-64 characters/,
      );
    await expect(service.provision({ orgId: 'o1', name: 'gw-1', createdBy: null })).rejects.toThrow(
      /already exists/,
    );
    await expect(
      service.provision({ orgId: 'o1', name: 'gw-9', facilityId: 'f2', createdBy: null }),
    ).rejects.toBeInstanceOf(InputError);
    const own = (await service.list('o1')).find((d) => d.name === 'gw-1')!;
    await expect(service.revoke('o2', own.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.get('o2', 'gw-1')).rejects.toBeInstanceOf(NotFoundError);
    expect(await service.list('o2')).toEqual([]);
  });
});
