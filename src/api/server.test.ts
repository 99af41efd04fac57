/** Server behaviour: cookies, CSRF, login rate limit, schema errors, error bodies, OpenAPI, web app. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { createDuckdbStore } from '../store/duckdb/index.ts';
import { createApiToken } from './accounts/service.ts';
import { buildServer } from './server.ts';
import { PASSWORD, type World, login, openWorld, worldServer } from './test-world.ts';

describe('api server', () => {
  let w: World;
  let app: FastifyInstance;
  let webDir: string;
  beforeAll(async () => {
    w = await openWorld();
    webDir = await mkdtemp(join(tmpdir(), 'ls-web-'));
    await writeFile(join(webDir, 'index.html'), '<!doctype html><title>Loadscope</title>');
    app = await worldServer(w, { webDir, loginRateLimit: { max: 1000, timeWindowMs: 60_000 } });
  });
  afterAll(async () => {
    await app?.close();
    await w?.close();
    await rm(webDir, { recursive: true, force: true });
  });

  it('sets an httpOnly SameSite=Strict session cookie on login and a wrong password is 401', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: w.a.users.viewer.email, password: PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const session = res.cookies.find((c) => c.name === 'ls_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(res.cookies.find((c) => c.name === '_csrf')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(res.json()).toMatchObject({
      role: 'viewer',
      orgId: w.a.orgId,
      user: { email: w.a.users.viewer.email },
    });
    expect(res.body).not.toContain('passwordHash');
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: w.a.users.viewer.email, password: 'nope' },
    });
    expect(bad.statusCode).toBe(401);
    expect(bad.json()).toEqual({ error: 'UNAUTHENTICATED', message: 'wrong login or password' });
  });

  it('enforces CSRF on state-changing cookie requests but not on bearer requests', async () => {
    const admin = await login(app, w.a.users.admin.email);
    const other = await login(app, w.a.users.analyst.email);
    const body = { name: 'csrf check' };
    const noToken = await app.inject({
      method: 'PATCH',
      url: '/api/v1/organisation',
      headers: { cookie: admin.cookie },
      payload: body,
    });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json()).toMatchObject({ error: 'FST_CSRF_INVALID_TOKEN' });
    // Another user's token does not work either: tokens are bound to the user.
    const wrong = await app.inject({
      method: 'PATCH',
      url: '/api/v1/organisation',
      headers: { cookie: admin.cookie, 'x-csrf-token': other.csrf },
      payload: body,
    });
    expect(wrong.statusCode).toBe(403);
    const ok = await app.inject({
      method: 'PATCH',
      url: '/api/v1/organisation',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      payload: body,
    });
    expect(ok.statusCode).toBe(200);
    // GET needs no token.
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: admin.cookie } }))
        .statusCode,
    ).toBe(200);
    const t = await createApiToken(
      { store: w.store, now: Date.now },
      { orgId: w.a.orgId, name: 'script', role: 'admin', createdBy: null },
    );
    const bearer = await app.inject({
      method: 'PATCH',
      url: '/api/v1/organisation',
      headers: { authorization: `Bearer ${t.token}` },
      payload: body,
    });
    expect(bearer.statusCode).toBe(200);
  });

  it('answers schema violations with 400 naming the field', async () => {
    const admin = await login(app, w.a.users.admin.email);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      payload: { email: 'x@a.test', role: 'god', password: PASSWORD },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'INPUT_INVALID' });
    expect(res.json<{ message: string }>().message).toContain('role');
    const short = await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      payload: { email: 'y@a.test', role: 'viewer', password: 'short' },
    });
    expect(short.statusCode).toBe(400);
    expect(short.json<{ message: string }>().message).toContain("field 'password'");
    const q = await app.inject({
      method: 'GET',
      url: '/api/v1/facilities?kind=castle',
      headers: { cookie: admin.cookie },
    });
    expect(q.statusCode).toBe(400);
    expect(q.json<{ message: string }>().message).toContain('kind');
  });

  it('logs out, and a logged-out or wrong cookie or token is 401', async () => {
    const s = await login(app, w.a.users.viewer.email);
    const out = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
    });
    expect(out.statusCode).toBe(204);
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: s.cookie } })).statusCode,
    ).toBe(401);
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: 'ls_session=forged' } }))
        .statusCode,
    ).toBe(401);
    const forged = `${w.a.token.slice(0, -4)}AAAA`;
    expect(
      (
        await app.inject({
          method: 'GET',
          url: '/api/v1/auth/me',
          headers: { authorization: `Bearer ${forged}` },
        })
      ).statusCode,
    ).toBe(401);
    const me = await app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${w.a.token}` },
    });
    expect(me.json()).toMatchObject({ via: 'token', orgId: w.a.orgId, role: 'analyst', user: null });
  });

  it('stops expired tokens and disabled users', async () => {
    const t = await createApiToken(
      { store: w.store, now: Date.now },
      { orgId: w.a.orgId, name: 'old', role: 'viewer', createdBy: null, expiresAt: Date.now() - 1 },
    );
    expect(
      (
        await app.inject({
          method: 'GET',
          url: '/api/v1/auth/me',
          headers: { authorization: `Bearer ${t.token}` },
        })
      ).statusCode,
    ).toBe(401);
    const s = await login(app, w.a.users.viewer.email);
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: s.cookie } })).statusCode,
    ).toBe(200);
    // Disabled through the API: the cached session is forgotten at once.
    const admin = await login(app, w.a.users.admin.email);
    const off = await app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${w.a.users.viewer.id}`,
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      payload: { disabled: true },
    });
    expect(off.statusCode).toBe(200);
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: s.cookie } })).statusCode,
    ).toBe(401);
    const again = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: w.a.users.viewer.email, password: PASSWORD },
    });
    expect(again.statusCode).toBe(401);
    await w.store.accounts.updateUser(w.a.users.viewer.id, { disabled: false });
  });

  it('shows a created token once and never its hash', async () => {
    const admin = await login(app, w.a.users.admin.email);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      payload: { name: 'gw 7' },
    });
    expect(res.statusCode).toBe(201);
    const { token, info } = res.json<{ token: string; info: { id: string } }>();
    expect(token).toMatch(/^ls_tok_/);
    expect(await app.auth.verify(token)).toEqual({
      orgId: w.a.orgId,
      tokenId: info.id,
      scopes: ['read', 'write', 'write:readings'],
    });
    expect(await app.auth.verify(token.replace(/.$/, token.endsWith('A') ? 'B' : 'A'))).toBeUndefined();
    const list = await app.inject({
      method: 'GET',
      url: '/api/v1/tokens',
      headers: { cookie: admin.cookie },
    });
    expect(list.body).toContain(info.id);
    expect(list.body).not.toContain('hash');
    expect(list.body).not.toContain(token.split('.')[1]!);
  });

  it('serves the OpenAPI document, the web app with SPA fallback, and JSON 404s under /api', async () => {
    const doc = await app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(doc.statusCode).toBe(200);
    expect(Object.keys(doc.json<{ paths: Record<string, unknown> }>().paths)).toContain(
      '/api/v1/facilities/{facilityId}',
    );
    expect((await app.inject({ method: 'GET', url: '/api/docs' })).statusCode).toBeLessThan(400);
    const page = await app.inject({ method: 'GET', url: '/facilities/abc' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>Loadscope</title>');
    const admin = await login(app, w.a.users.admin.email);
    const missing = await app.inject({
      method: 'GET',
      url: '/api/v1/nothing-here',
      headers: { cookie: admin.cookie },
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'NOT_FOUND' });
  });
});

describe('login rate limit', () => {
  it('answers 429 after the allowed attempts', async () => {
    const w = await openWorld();
    const app = await worldServer(w, { loginRateLimit: { max: 3, timeWindowMs: 60_000 } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: 'nobody', password: 'guess' },
        });
        codes.push(res.statusCode);
      }
      expect(codes).toEqual([401, 401, 401, 429, 429]);
      // Even the right password is refused while limited.
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: w.a.users.admin.email, password: PASSWORD },
      });
      expect(res.statusCode).toBe(429);
    } finally {
      await app.close();
      await w.close();
    }
  });
});

describe('first start', () => {
  it('creates the first administrator once and prints the password', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ls-first-'));
    const store = await createDuckdbStore({ path: join(dir, 'first.duckdb'), threads: 1 });
    await store.migrate();
    const lines: string[] = [];
    const config = loadConfig({}, { LOADSCOPE_DUCKDB: ':memory:' });
    try {
      const app = await buildServer({ config, store, webDir: dir, announce: (l) => lines.push(l) });
      const password = /password: (\S+)/.exec(lines[0] ?? '')?.[1];
      expect(password).toBeDefined();
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'admin', password },
      });
      expect(res.json()).toMatchObject({ role: 'admin', orgId: 'default' });
      await app.close();
      const again: string[] = [];
      await (await buildServer({ config, store, webDir: dir, announce: (l) => again.push(l) })).close();
      expect(again).toEqual([]);
      expect(await store.accounts.countUsers()).toBe(1);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
