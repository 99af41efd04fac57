/**
 * The retention routes as plugins of the API: administrators only (viewers and analysts get 403, by
 * session or token), each organisation its own settings (an administrator of one cannot read or
 * change the other's), bodies checked by the zod schema with the field named, and a run started by
 * POST that the GET then reports.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import type { Role } from '../domain/types.ts';
import { login, openWorld, worldServer, type BrowserSession, type World } from '../api/test-world.ts';
import { openRetentionLake } from './open.ts';
import { retentionRoutes } from './routes.ts';
import { createRetentionService, type RetentionService } from './service.ts';

let w: World;
let app: FastifyInstance;
let dir: string;
let service: RetentionService;
const sessions = new Map<string, BrowserSession>();

beforeAll(async () => {
  w = await openWorld();
  dir = await mkdtemp(join(tmpdir(), 'loadscope-retention-routes-'));
  const config = loadConfig({}, { LOADSCOPE_LAKE: join(dir, 'lake') });
  service = createRetentionService({
    store: w.store,
    openLake: () => openRetentionLake(config, w.store),
    now: Date.now,
    log: () => undefined,
    onError: (e) => {
      throw e;
    },
  });
  app = await worldServer(w, { plugins: [retentionRoutes({ service })] });
  for (const org of ['a', 'b'] as const)
    for (const role of ['viewer', 'analyst', 'admin'] as Role[])
      sessions.set(`${org} ${role}`, await login(app, w[org].users[role].email));
});
afterAll(async () => {
  await service?.stop();
  await app?.close();
  await w?.close();
  await rm(dir, { recursive: true, force: true });
});

const call = (who: string, method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) => {
  const s = sessions.get(who) as BrowserSession;
  return app.inject({
    method,
    url,
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
    ...(payload ? { payload } : {}),
  });
};

it('lets administrators only read and change their own organisation', async () => {
  for (const role of ['viewer', 'analyst'])
    for (const [m, u, p] of [
      ['GET', '/api/v1/retention'],
      ['PUT', '/api/v1/retention', { rawDays: 3, minuteDays: 3 }],
      ['POST', '/api/v1/retention/run'],
    ] as const)
      expect((await call(`a ${role}`, m, u, p)).statusCode, `${m} ${u} as ${role}`).toBe(403);
  const token = await app.inject({
    method: 'GET',
    url: '/api/v1/retention',
    headers: { authorization: `Bearer ${w.a.token}` },
  });
  expect(token.statusCode).toBe(403);
  const put = await call('a admin', 'PUT', '/api/v1/retention', { rawDays: 20, minuteDays: 90 });
  expect(put.statusCode, put.body).toBe(200);
  expect(put.json()).toMatchObject({ orgId: w.a.orgId, rawDays: 20, minuteDays: 90, lakeConfigured: true });
  const b = (await call('b admin', 'GET', '/api/v1/retention')).json<{ orgId: string; rawDays: number }>();
  expect(b).toMatchObject({ orgId: w.b.orgId, rawDays: 35 });
});

it('names the field of a bad body', async () => {
  const bad = async (payload: object) =>
    (await call('a admin', 'PUT', '/api/v1/retention', payload)).json<unknown>();
  expect(await bad({ rawDays: 0, minuteDays: 10 })).toMatchObject({ error: 'INPUT_INVALID' });
  expect(JSON.stringify(await bad({ rawDays: 1.5, minuteDays: 10 }))).toMatch(/rawDays/);
  expect(JSON.stringify(await bad({ rawDays: 5 }))).toMatch(/minuteDays/);
  expect(JSON.stringify(await bad({ rawDays: 5, minuteDays: 40_000 }))).toMatch(/minuteDays/);
});

it('starts a run by POST and reports it by GET', async () => {
  const res = await call('a admin', 'POST', '/api/v1/retention/run');
  expect(res.statusCode, res.body).toBe(202);
  await service.run(w.a.orgId);
  const s = (await call('a admin', 'GET', '/api/v1/retention')).json<{
    running: boolean;
    lastRun: unknown;
  }>();
  expect(s.running).toBe(false);
  expect(s.lastRun).toMatchObject({ deleted: expect.any(Number) as number });
});
