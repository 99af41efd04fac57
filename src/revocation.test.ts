/**
 * Revocation reaches open connections, through the composition root in both columns: embedded
 * (DuckDB, one process: the changes are made through the same server) and scale-out (PostgreSQL:
 * connections held by server A, changes made through server B, a second instance with its own pool
 * and listening connection, as a second API server has). For every credential kind (API token
 * revoked, logout, password change, user disabled) each connection kind it can open (MQTT, SSE,
 * WebSocket) is closed within 1.5 s, HTTP ingest refuses a revoked token at once, and the
 * connections of credentials that still work stay open; so does rotating or revoking a registered
 * device's token. src/revocation.process.test.ts does the same
 * across real processes.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken, createUser } from './api/accounts/service.ts';
import { type BrowserSession, login } from './api/test-world.ts';
import { type App, createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { TEST_PG_URL } from './store/contract/factories.ts';
import {
  type LiveConnection,
  dropSchema,
  openMqtt,
  openSse,
  openWs,
  postReading,
} from './realtime/testing/connections.ts';
import { silentLogger } from './util/logger.ts';

const PASSWORD = 'a long enough password';
const FILE_TOKENS = { gone: 'file-device-gone-secret-01', kept: 'file-device-kept-secret-01' };
const fileEntry = (id: string, token: string): string => `- id: ${id}\n  orgId: default\n  token: ${token}\n`;
const BOUND_MS = 1500;

interface Column {
  name: string;
  env(dir: string): Record<string, string>;
  /** Whether the changes are made through a second server on the same database. */
  twoServers: boolean;
}

const schema = `t_revoke_${Math.random().toString(36).slice(2, 10)}`;
const COLUMNS: Column[] = [
  { name: 'embedded (DuckDB, one process)', env: () => ({}), twoServers: false },
  {
    name: 'scale-out (PostgreSQL, changes made through a second server)',
    env: () => ({ LOADSCOPE_STORE: 'postgres', LOADSCOPE_PG_URL: TEST_PG_URL, LOADSCOPE_PG_SCHEMA: schema }),
    twoServers: true,
  },
];

describe.each(COLUMNS)('revocation in the $name column', (column) => {
  const dirs: string[] = [];
  const apps: App[] = [];
  let holder: App; // holds the connections
  let changer: App; // where the changes are made
  let holderUrl: string;
  let mqttUrl: string;
  let adminToken: string;
  const open: LiveConnection[] = [];
  const closeTimes: number[] = [];

  const start = async (): Promise<{ app: App; httpUrl: string; mqttUrl: string }> => {
    const dir = await mkdtemp(join(tmpdir(), 'loadscope-revoke-'));
    dirs.push(dir);
    const config = loadConfig(
      {},
      {
        LOADSCOPE_DATA_DIR_STATE: dir,
        LOADSCOPE_PORT: '0',
        LOADSCOPE_MQTT_PORT: '0',
        LOADSCOPE_SIM: '0',
        LOADSCOPE_BATCH_EVERY: '0',
        ...column.env(dir),
      },
    );
    const deviceTokensFile = join(dir, 'devices.yaml');
    await writeFile(
      deviceTokensFile,
      fileEntry('gone', FILE_TOKENS.gone) + fileEntry('kept', FILE_TOKENS.kept),
    );
    const app = createApp(config, { logger: silentLogger(), deviceTokensFile });
    apps.push(app);
    const s = await app.start();
    return { app, ...s };
  };

  beforeAll(async () => {
    const a = await start();
    holder = a.app;
    holderUrl = a.httpUrl;
    mqttUrl = a.mqttUrl;
    changer = column.twoServers ? (await start()).app : holder;
    const deps = { store: holder.store, now: Date.now };
    adminToken = (
      await createApiToken(deps, { orgId: 'default', name: 'boss', role: 'admin', createdBy: null })
    ).token;
    for (const name of ['u-logout', 'u-password', 'u-disabled', 'u-control'])
      await createUser(deps, { orgId: 'default', email: name, name, role: 'viewer', password: PASSWORD });
  }, 60_000);
  afterAll(async () => {
    for (const c of open) c.close();
    for (const app of apps.reverse()) await app.stop();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    if (column.twoServers) await dropSchema(TEST_PG_URL, schema);
  });

  const newToken = async (name: string): Promise<{ token: string; id: string }> => {
    const r = await createApiToken(
      { store: holder.store, now: Date.now },
      { orgId: 'default', name, role: 'admin', createdBy: null },
    );
    return { token: r.token, id: r.row.id };
  };
  const streams = async (auth: { bearer?: string; cookie?: string }): Promise<LiveConnection[]> => {
    const cs = [await openSse(holderUrl, auth), await openWs(holderUrl, auth)];
    open.push(...cs);
    return cs;
  };
  /**
   * Resolves when every connection closed, failing `BOUND_MS` after `since` (the change's answer, or
   * the expiry); records the delays, 0 for a connection closed before the change was answered.
   */
  const closedWithin = async (cs: LiveConnection[], since: number): Promise<void> => {
    const deadline = since + BOUND_MS;
    for (const c of cs) {
      const at = await Promise.race([
        c.closed,
        new Promise<number>((r) => setTimeout(() => r(-1), deadline - Date.now())),
      ]);
      if (at < 0) throw new Error(`${c.kind} still open ${BOUND_MS} ms after the revocation`);
      closeTimes.push(Math.max(0, at - since));
    }
  };
  const asAdmin = (method: 'DELETE' | 'PATCH' | 'POST', url: string, payload?: object) =>
    changer.http.inject({
      method,
      url,
      headers: { authorization: `Bearer ${adminToken}` },
      ...(payload ? { payload } : {}),
    });
  const asSession = (s: BrowserSession, url: string, payload?: object) =>
    changer.http.inject({
      method: 'POST',
      url,
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
      ...(payload ? { payload } : {}),
    });

  let control: LiveConnection[] = [];
  it('opens control connections whose credentials are never revoked', async () => {
    const t = await newToken('control');
    const session = await login(holder.http, 'u-control', PASSWORD);
    control = [
      ...(await streams({ bearer: t.token })),
      ...(await streams({ cookie: session.cookie })),
      await openMqtt(mqttUrl, t.token),
    ];
    open.push(control[4]!);
    expect(control.every((c) => c.isOpen())).toBe(true);
  });

  it('revoking an API token disconnects its MQTT clients and closes its streams; ingest refuses it at once', async () => {
    const victim = await newToken('victim');
    const cs = [...(await streams({ bearer: victim.token })), await openMqtt(mqttUrl, victim.token)];
    open.push(cs[2]!);
    // The token is in use (and cached) for ingest before the revocation.
    expect(await postReading(holderUrl, victim.token)).not.toBe(401);
    const res = await asAdmin('DELETE', `/api/v1/tokens/${victim.id}`);
    expect(res.statusCode).toBe(204);
    const t0 = Date.now();
    // At once in one process; another server hears it within milliseconds (the cache lived 2 s before).
    let status = await postReading(holderUrl, victim.token);
    while (status !== 401 && column.twoServers && Date.now() - t0 < 250)
      status = await postReading(holderUrl, victim.token);
    expect(status).toBe(401);
    await closedWithin(cs, t0);
    expect(cs[0]!.events).toContain('revoked');
    expect(cs[1]!.closeCode).toBe(1008);
  });

  it('logging out closes the streams of that session only', async () => {
    const s1 = await login(changer.http, 'u-logout', PASSWORD);
    const s2 = await login(changer.http, 'u-logout', PASSWORD);
    const ended = await streams({ cookie: s1.cookie });
    const kept = await streams({ cookie: s2.cookie });
    expect((await asSession(s1, '/api/v1/auth/logout')).statusCode).toBe(204);
    const t0 = Date.now();
    await closedWithin(ended, t0);
    await new Promise((r) => setTimeout(r, 200));
    expect(kept.every((c) => c.isOpen())).toBe(true);
    kept.forEach((c) => c.close());
  });

  it("changing the password closes every stream of the user's sessions", async () => {
    const s1 = await login(changer.http, 'u-password', PASSWORD);
    const s2 = await login(changer.http, 'u-password', PASSWORD);
    const cs = [...(await streams({ cookie: s1.cookie })), ...(await streams({ cookie: s2.cookie }))];
    const res = await asSession(s1, '/api/v1/auth/password', { current: PASSWORD, next: `${PASSWORD} 2` });
    expect(res.statusCode).toBe(204);
    const t0 = Date.now();
    await closedWithin(cs, t0);
    // A session opened with the new password is not touched by the change that came before it.
    const fresh = await streams({
      cookie: (await login(changer.http, 'u-password', `${PASSWORD} 2`)).cookie,
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(fresh.every((c) => c.isOpen())).toBe(true);
    fresh.forEach((c) => c.close());
  });

  it("disabling a user closes the user's streams", async () => {
    const s = await login(changer.http, 'u-disabled', PASSWORD);
    const cs = await streams({ cookie: s.cookie });
    const user = (await holder.store.accounts.getUserByEmail('u-disabled'))!;
    expect((await asAdmin('PATCH', `/api/v1/users/${user.id}`, { disabled: true })).statusCode).toBe(200);
    const t0 = Date.now();
    await closedWithin(cs, t0);
  });

  it('a token that expires ends the connections it opened when it expires', async () => {
    const expiresAt = Date.now() + 1000;
    const r = await createApiToken(
      { store: holder.store, now: Date.now },
      { orgId: 'default', name: 'short-lived', role: 'admin', createdBy: null, expiresAt },
    );
    const cs = [...(await streams({ bearer: r.token })), await openMqtt(mqttUrl, r.token)];
    open.push(cs[2]!);
    expect(cs.every((c) => c.isOpen())).toBe(true);
    await closedWithin(cs, expiresAt);
  });

  it('rotating a registered device token disconnects it and refuses the old token at once; revoking ends the new one', async () => {
    // Both devices came from the token file, imported into the registry on start (twice, with two
    // servers: the second import changed nothing).
    const gone = await openMqtt(mqttUrl, FILE_TOKENS.gone);
    const kept = await openMqtt(mqttUrl, FILE_TOKENS.kept);
    open.push(gone, kept);
    expect(await postReading(holderUrl, FILE_TOKENS.gone)).not.toBe(401);
    const rotated = await asAdmin('POST', '/api/v1/devices/gone/rotate');
    expect(rotated.statusCode, rotated.body).toBe(200);
    const t0 = Date.now();
    let status = await postReading(holderUrl, FILE_TOKENS.gone);
    while (status !== 401 && column.twoServers && Date.now() - t0 < 250)
      status = await postReading(holderUrl, FILE_TOKENS.gone);
    expect(status).toBe(401);
    await closedWithin([gone], t0);
    await expect(openMqtt(mqttUrl, FILE_TOKENS.gone)).rejects.toThrow(/Not authorized|Bad username/i);
    const fresh = rotated.json<{ token: string }>().token;
    const next = await openMqtt(mqttUrl, fresh);
    open.push(next);
    expect(await postReading(holderUrl, fresh)).not.toBe(401);
    expect((await asAdmin('POST', '/api/v1/devices/gone/revoke')).statusCode).toBe(200);
    const t1 = Date.now();
    await closedWithin([next], t1);
    expect(await postReading(holderUrl, fresh)).toBe(401);
    expect(await postReading(holderUrl, FILE_TOKENS.kept)).not.toBe(401);
    expect(kept.isOpen()).toBe(true);
  });

  it('kept the connections of credentials that still work open throughout', () => {
    expect(control.map((c) => `${c.kind}:${c.isOpen()}`)).toEqual([
      'sse:true',
      'ws:true',
      'sse:true',
      'ws:true',
      'mqtt:true',
    ]);
    expect(Math.max(...closeTimes)).toBeLessThan(BOUND_MS);
    process.stderr.write(
      `revocation (${column.name}): ${closeTimes.length} connections closed after ${Math.min(...closeTimes)}-${Math.max(...closeTimes)} ms\n`,
    );
  });
});
