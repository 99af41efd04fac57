/**
 * Token scopes over the whole application: a viewer's token (and any token without `write:readings`)
 * cannot send readings over HTTP or MQTT; a token acts only within its scopes on the API; tokens made
 * before scopes existed get their role's defaults; creating a token checks its scopes against its role.
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../domain/types.ts';
import type { TokenScope } from '../store/ports/accounts.ts';
import { createApiToken } from './accounts/service.ts';
import { formatToken, sha256 } from './secrets.ts';
import { SEEDED, type TestApp, startTestApp } from './test-app.ts';

describe('token scopes', () => {
  let t: TestApp;
  const tokenOf = async (role: Role, scopes?: TokenScope[]) =>
    (
      await createApiToken(
        { store: t.app.store, now: Date.now },
        {
          orgId: 'default',
          name: `${role} ${scopes?.join('+') ?? 'default'}`,
          role,
          createdBy: null,
          ...(scopes ? { scopes } : {}),
        },
      )
    ).token;
  /** A token row as stored before scopes existed (no scopes column value). */
  const legacyToken = async (role: Role) => {
    const id = `tok_legacy${role}`;
    const secret = `legacy-secret-of-${role}-0123456789`;
    await t.app.store.accounts.createToken({
      id,
      orgId: 'default',
      name: `legacy ${role}`,
      role,
      hash: sha256(secret),
      createdBy: null,
      createdAt: 1,
      expiresAt: null,
      lastUsedAt: null,
    });
    return formatToken(id, secret);
  };
  let ts = Date.now() - 60_000;
  const postReading = (token: string) =>
    t.app.http.inject({
      method: 'POST',
      url: '/api/v1/readings',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: { readings: [{ channel: SEEDED.channelId, ts: ++ts, value: 100 }] },
    });
  const call = (token: string, method: 'GET' | 'PATCH' | 'POST', url: string, payload?: object) =>
    t.app.http.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });

  beforeAll(async () => {
    t = await startTestApp();
  }, 60_000);
  afterAll(async () => t?.close());

  it("refuses readings from a viewer's token and from any token without write:readings", async () => {
    for (const token of [
      await tokenOf('viewer'),
      await tokenOf('analyst', ['read', 'write']),
      await legacyToken('viewer'),
    ]) {
      const res = await postReading(token);
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json<{ message: string }>().message).toContain("'write:readings' scope");
    }
  });

  it('accepts readings from tokens that hold write:readings, old analyst and admin tokens included', async () => {
    for (const token of [
      await tokenOf('viewer', ['write:readings']),
      await tokenOf('analyst'),
      await tokenOf('admin'),
      await legacyToken('analyst'),
    ]) {
      const res = await postReading(token);
      expect(res.statusCode, res.body).toBe(202);
    }
  });

  it('keeps a token within its scopes on the API', async () => {
    const device = await tokenOf('viewer', ['write:readings']);
    expect((await call(device, 'GET', '/api/v1/facilities')).statusCode).toBe(403);
    // Every token may ask who it is and what it may do.
    expect((await call(device, 'GET', '/api/v1/auth/me')).json()).toMatchObject({
      role: 'viewer',
      scopes: ['write:readings'],
    });
    const reader = await tokenOf('analyst', ['read']);
    expect((await call(reader, 'GET', '/api/v1/facilities')).statusCode).toBe(200);
    const patch = await call(reader, 'PATCH', `/api/v1/facilities/${SEEDED.facilityId}`, { tags: ['x'] });
    expect(patch.statusCode).toBe(403);
    expect(patch.json<{ message: string }>().message).toContain("'write' scope");
    // Grafana reads with POST: the read scope is enough.
    expect((await call(reader, 'POST', '/api/grafana/metrics', {})).statusCode).toBe(200);
    const adminNoAdmin = await tokenOf('admin', ['read', 'write']);
    expect((await call(adminNoAdmin, 'GET', '/api/v1/users')).statusCode).toBe(403);
    expect((await call(await tokenOf('admin'), 'GET', '/api/v1/users')).statusCode).toBe(200);
  });

  it('checks the scopes of a new token against its role, and lists every token with its scopes', async () => {
    const bad = await call(t.token, 'POST', '/api/v1/tokens', {
      name: 'x',
      role: 'viewer',
      scopes: ['read', 'write'],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ message: string }>().message).toMatch(
      /field 'scopes'.*viewer token cannot have the scope 'write'/,
    );
    const unknown = await call(t.token, 'POST', '/api/v1/tokens', { name: 'x', scopes: ['everything'] });
    expect(unknown.statusCode).toBe(400);
    const ok = await call(t.token, 'POST', '/api/v1/tokens', {
      name: 'gw',
      role: 'viewer',
      scopes: ['write:readings'],
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json<{ info: { scopes: string[] } }>().info.scopes).toEqual(['write:readings']);
    await legacyToken('admin');
    const list = (await call(t.token, 'GET', '/api/v1/tokens')).json<{ name: string; scopes: string[] }[]>();
    expect(list.find((x) => x.name === 'legacy admin')?.scopes).toEqual([
      'read',
      'write',
      'write:readings',
      'admin',
    ]);
    expect(list.find((x) => x.name === 'legacy viewer')?.scopes).toEqual(['read']);
  });

  it('refuses MQTT publishes of a read-only token and takes those of a device token', async () => {
    const topic = `loadscope/default/${SEEDED.meterId}/mains`;
    const publish = async (token: string, value: number) => {
      const c = await mqtt.connectAsync(t.mqttUrl, { username: 'x', password: token, reconnectPeriod: 0 });
      c.on('error', () => undefined);
      c.publish(topic, JSON.stringify({ ts: Date.now(), value }), { qos: 1 });
      await new Promise((r) => setTimeout(r, 300));
      c.end(true);
    };
    await publish(await tokenOf('viewer'), 1);
    const quarantine = (await call(t.token, 'GET', '/api/v1/ingest/quarantine')).json<{ reason: string }[]>();
    expect(quarantine.some((q) => q.reason.includes("lacks the 'write:readings' scope"))).toBe(true);
    await publish(await tokenOf('viewer', ['read', 'write:readings']), 4242);
    for (let i = 0; i < 50; i++) {
      const latest = (await call(t.token, 'GET', '/api/v1/live/latest')).json<{ value: number }[]>();
      if (latest.some((l) => l.value === 4242)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the device token publish never arrived');
  });
});
