/**
 * The device registry API through the whole application: an administrator provisions a device (the
 * token answered once, with where to send), lists, rotates, revokes and assigns it; a viewer of the
 * organisation reads the list and may change nothing; another organisation's administrator neither
 * sees nor touches it (404, never 403); hostile input (bad names, unknown fields, a huge body, a
 * foreign facility) is refused naming the field; and readings sent with the token show in the list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../api/accounts/service.ts';
import { SEEDED, type TestApp, startTestApp } from '../api/test-app.ts';
import { plainFacility } from '../store/contract/fixtures.ts';

describe('device registry API', () => {
  let t: TestApp;
  let viewer: string;
  let foreign: string;
  let deviceId: string;
  let deviceToken: string;

  beforeAll(async () => {
    t = await startTestApp();
    const deps = { store: t.app.store, now: Date.now };
    await t.app.store.catalog.upsertOrganisations([{ id: 'other', name: 'other', createdAt: 1 }]);
    await t.app.store.catalog.upsertFacilities([plainFacility('fac-other', 'other')]);
    viewer = (await createApiToken(deps, { orgId: 'default', name: 'v', role: 'viewer', createdBy: null }))
      .token;
    foreign = (await createApiToken(deps, { orgId: 'other', name: 'a', role: 'admin', createdBy: null }))
      .token;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const call = (token: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    t.app.http.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  it('provisions a device with its token shown once, and lists it without the token', async () => {
    const res = await call(t.token, 'POST', '/api/v1/devices', {
      name: 'boiler-gw',
      facilityId: SEEDED.facilityId,
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json<{
      device: { id: string; token: { hint: string } };
      token: string;
      connect: object;
    }>();
    expect(body.token).toMatch(/^lsd_/);
    expect(body.device).toMatchObject({ name: 'boiler-gw', facilityName: 'plant', status: 'silent' });
    expect(body.connect).toEqual({
      mqttUrl: t.mqttUrl,
      topicRoot: 'loadscope',
      ingestPath: '/api/v1/readings',
    });
    deviceId = body.device.id;
    deviceToken = body.token;
    const list = await call(t.token, 'GET', '/api/v1/devices');
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(deviceToken);
    expect(list.json()).toMatchObject({
      devices: [{ id: deviceId, token: { state: 'active', hint: deviceToken.slice(0, 8) } }],
      thresholds: { onlineMs: 120_000, staleMs: 3_600_000, rateWindowMs: 300_000 },
      canManage: true,
    });
  });

  it('shows readings sent with the device token as activity', async () => {
    const now = Date.now();
    const res = await t.app.http.inject({
      method: 'POST',
      url: '/api/v1/readings',
      headers: { authorization: `Bearer ${deviceToken}` },
      payload: {
        readings: [
          { channel: SEEDED.channelId, ts: now - 1000, value: 100 },
          { channel: SEEDED.channelId, ts: now, value: -1e12 },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(202);
    const d = (await call(t.token, 'GET', `/api/v1/devices/${deviceId}`)).json();
    expect(d).toMatchObject({ status: 'online', rejected24h: 1, messagesPerMinute: 0.2 });
    expect(d.lastSeenAt).toBeGreaterThanOrEqual(now);
  });

  it('lets a viewer read the list and change nothing', async () => {
    const list = await call(viewer, 'GET', '/api/v1/devices');
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ devices: [{ name: 'boiler-gw' }], canManage: false });
    for (const [method, url, payload] of [
      ['POST', '/api/v1/devices', { name: 'sneaky' }],
      ['POST', `/api/v1/devices/${deviceId}/rotate`, undefined],
      ['POST', `/api/v1/devices/${deviceId}/revoke`, undefined],
      ['PATCH', `/api/v1/devices/${deviceId}`, { facilityId: null }],
    ] as const) {
      const res = await call(viewer, method, url, payload);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
  });

  it("never shows or touches another organisation's devices", async () => {
    expect((await call(foreign, 'GET', '/api/v1/devices')).json()).toMatchObject({ devices: [] });
    for (const [method, url, payload] of [
      ['GET', `/api/v1/devices/${deviceId}`, undefined],
      ['GET', '/api/v1/devices/boiler-gw', undefined],
      ['POST', `/api/v1/devices/${deviceId}/rotate`, undefined],
      ['POST', `/api/v1/devices/${deviceId}/revoke`, undefined],
      ['PATCH', `/api/v1/devices/${deviceId}`, { facilityId: 'fac-other' }],
    ] as const) {
      const res = await call(foreign, method, url, payload);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    // Nor may an administrator assign a device to another organisation's facility.
    const res = await call(t.token, 'PATCH', `/api/v1/devices/${deviceId}`, { facilityId: 'fac-other' });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain("field 'facilityId'");
    // The same name in another organisation is another device.
    expect((await call(foreign, 'POST', '/api/v1/devices', { name: 'boiler-gw' })).statusCode).toBe(201);
  });

  it('refuses hostile input naming the field', async () => {
    for (const name of ['', '../../etc/passwd', '<img src=x onerror=alert(1)>', 'a b', 'é', 'x'.repeat(65)]) {
      const res = await call(t.token, 'POST', '/api/v1/devices', { name });
      expect(res.statusCode, name).toBe(400);
      expect(res.json().message, name).toMatch(/name/);
    }
    const taken = await call(t.token, 'POST', '/api/v1/devices', { name: 'boiler-gw' });
    expect(taken.statusCode).toBe(409);
    // A token cannot be chosen by the caller: unknown fields are dropped and the server issues its own.
    const extra = await call(t.token, 'POST', '/api/v1/devices', { name: 'x1', token: 'chosen-by-me-0000' });
    expect(extra.statusCode).toBe(201);
    expect(extra.json().token).toMatch(/^lsd_/);
    const wrongType = await call(t.token, 'POST', '/api/v1/devices', { name: { $ne: null } });
    expect(wrongType.statusCode).toBe(400);
    const huge = await call(t.token, 'POST', '/api/v1/devices', { name: 'x'.repeat(3 << 20) });
    expect(huge.statusCode).toBe(413);
    const noBody = await call(t.token, 'PATCH', `/api/v1/devices/${deviceId}`, {});
    expect(noBody.statusCode).toBe(400);
    expect((await call(t.token, 'POST', '/api/v1/devices/no-such/rotate')).statusCode).toBe(404);
  });

  it('rotates, revokes and assigns', async () => {
    const rotated = await call(t.token, 'POST', '/api/v1/devices/boiler-gw/rotate');
    expect(rotated.statusCode).toBe(200);
    const fresh = rotated.json<{ token: string }>().token;
    expect(fresh).not.toBe(deviceToken);
    const post = (token: string) =>
      t.app.http.inject({
        method: 'POST',
        url: '/api/v1/readings',
        headers: { authorization: `Bearer ${token}` },
        payload: { readings: [{ channel: SEEDED.channelId, ts: Date.now(), value: 1 }] },
      });
    expect((await post(deviceToken)).statusCode).toBe(401);
    expect((await post(fresh)).statusCode).toBe(202);
    const unassigned = await call(t.token, 'PATCH', `/api/v1/devices/${deviceId}`, { facilityId: null });
    expect(unassigned.json()).toMatchObject({ facilityId: null, facilityName: null });
    const revoked = await call(t.token, 'POST', `/api/v1/devices/${deviceId}/revoke`);
    expect(revoked.json()).toMatchObject({ token: { state: 'revoked' } });
    expect((await post(fresh)).statusCode).toBe(401);
  });
});
