/**
 * The authorisation matrix of the products, jobs, scores and NILM routes (plugins of the API server): every
 * role and an API token against the foreign organisation's jobs, scores and facilities, and against their
 * own. No route returns or changes another organisation's data; viewers may not start or cancel jobs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FOREIGN_MARK,
  login,
  openWorld,
  worldServer,
  type BrowserSession,
  type World,
} from '../api/test-world.ts';
import { loadConfig } from '../config.ts';
import type { Role } from '../domain/types.ts';
import { nilmRoutes } from '../nilm/routes.ts';
import { createProductRegistry } from '../scoring/registry.ts';
import { createScoreTask } from '../scoring/score-task.ts';
import { createStoreScoringSources } from '../scoring/sources.ts';
import { createJobService, type JobService } from './job-service.ts';
import { jobRoutes } from './routes.ts';

interface Req {
  url: string;
  payload?: Record<string, unknown>;
}
interface RouteCase {
  minRole: Role;
  foreign: (w: World) => Req[];
  own: (w: World) => Promise<Req> | Req;
}

const ROLES: Role[] = ['viewer', 'analyst', 'admin'];
const SLOW = { product: 'slow-energy', params: { sleepMs: 2000 }, shards: 1 };
const jobsOf = { own: '', foreign: '' };
let service: JobService;

const CASES: Record<string, RouteCase> = {
  'GET /api/v1/products': { minRole: 'viewer', foreign: () => [], own: () => ({ url: '/api/v1/products' }) },
  'GET /api/v1/products/:product/ranking': {
    minRole: 'viewer',
    foreign: () => [],
    own: () => ({ url: '/api/v1/products/load-shape/ranking' }),
  },
  'POST /api/v1/jobs': {
    minRole: 'analyst',
    foreign: (w) => [
      { url: '/api/v1/jobs', payload: { product: 'load-shape', facilityIds: [w.b.facility.id], shards: 1 } },
    ],
    own: (w) => ({
      url: '/api/v1/jobs',
      payload: { product: 'load-shape', facilityIds: [w.a.facility.id], shards: 1 },
    }),
  },
  'GET /api/v1/jobs': { minRole: 'viewer', foreign: () => [], own: () => ({ url: '/api/v1/jobs' }) },
  'GET /api/v1/jobs/:jobId': {
    minRole: 'viewer',
    foreign: () => [{ url: `/api/v1/jobs/${jobsOf.foreign}` }],
    own: () => ({ url: `/api/v1/jobs/${jobsOf.own}` }),
  },
  'POST /api/v1/jobs/:jobId/cancel': {
    minRole: 'analyst',
    foreign: () => [{ url: `/api/v1/jobs/${jobsOf.foreign}/cancel` }],
    // A fresh slow job of the caller's organisation each time, so there is something running to cancel.
    own: async (w) => {
      const id = await service.start({
        orgId: w.a.orgId,
        kind: 'score',
        target: SLOW.product,
        shards: 1,
        params: { product: SLOW.product, productParams: SLOW.params, facilityIds: [w.a.facility.id] },
      });
      return { url: `/api/v1/jobs/${id}/cancel` };
    },
  },
  'GET /api/v1/facilities/:facilityId/scores': {
    minRole: 'viewer',
    foreign: (w) => [{ url: `/api/v1/facilities/${w.b.facility.id}/scores` }],
    own: (w) => ({ url: `/api/v1/facilities/${w.shared.facility.id}/scores` }),
  },
  'GET /api/v1/facilities/:facilityId/nilm': {
    minRole: 'viewer',
    foreign: (w) => [{ url: `/api/v1/facilities/${w.b.facility.id}/nilm` }],
    own: (w) => ({ url: `/api/v1/facilities/${w.shared.facility.id}/nilm` }),
  },
};

describe('authorisation matrix of the jobs, scores and NILM routes', () => {
  let w: World;
  let app: FastifyInstance;
  let shared: string;
  const sessions = new Map<Role, BrowserSession>();
  type Caller = { kind: 'session'; role: Role } | { kind: 'token' } | { kind: 'anonymous' };
  const send = async (key: string, req: Req, caller: Caller) => {
    const headers: Record<string, string> = {};
    if (caller.kind === 'session') {
      let s = sessions.get(caller.role);
      if (!s) sessions.set(caller.role, (s = await login(app, w.a.users[caller.role].email)));
      headers['cookie'] = s.cookie;
      headers['x-csrf-token'] = s.csrf;
    } else if (caller.kind === 'token') headers['authorization'] = `Bearer ${w.a.token}`;
    const method = key.split(' ')[0] as 'GET' | 'POST';
    return app.inject({ method, url: req.url, headers, ...(req.payload ? { payload: req.payload } : {}) });
  };
  const snapshotForeign = async () =>
    JSON.stringify({
      jobs: await w.store.jobs.listJobs({ orgId: w.b.orgId }),
      scores: await w.store.scores.latestForFacility(w.b.facility.id),
    });

  beforeAll(async () => {
    w = await openWorld();
    shared = await mkdtemp(join(tmpdir(), 'loadscope-jobs-authz-'));
    const config = loadConfig(
      {},
      {
        LOADSCOPE_DUCKDB: ':memory:',
        LOADSCOPE_SHARED_DIR: shared,
        LOADSCOPE_WORKERS: '1',
      },
    );
    const registry = await createProductRegistry({ customDir: resolve('test/fixtures/products') });
    service = createJobService({
      store: w.store,
      config,
      tasks: { score: createScoreTask({ registry, sources: createStoreScoringSources() }) },
    });
    const score = (orgId: string, facilityIds: string[]) =>
      service.run({
        orgId,
        kind: 'score',
        target: 'load-shape',
        shards: 1,
        params: { product: 'load-shape', facilityIds },
      });
    jobsOf.foreign = (await score(w.b.orgId, [w.b.facility.id, w.shared.facility.id])).id;
    jobsOf.own = (await score(w.a.orgId, [w.a.facility.id])).id;
    app = await worldServer(w, { plugins: [jobRoutes({ service, registry }), nilmRoutes()] });
  }, 120_000);
  afterAll(async () => {
    await service?.drain();
    await app?.close();
    await w?.close();
    await rm(shared, { recursive: true, force: true });
  });

  it('has a case for every route the plugins add', () => {
    const mine = app.routeTable
      .map((r) => `${r.method} ${r.url}`)
      .filter((k) => /\/api\/v1\/(products|jobs)|\/scores$|\/nilm$/.test(k));
    expect([...new Set(mine)].sort()).toEqual(Object.keys(CASES).sort());
  });

  it('answers 401 to anonymous callers', async () => {
    for (const [key, c] of Object.entries(CASES)) {
      const res = await send(key, await c.own(w), { kind: 'anonymous' });
      expect(res.statusCode, key).toBe(401);
    }
  });

  it("never returns or changes the foreign organisation's jobs, scores or NILM results", async () => {
    expect(jobsOf.foreign).not.toBe('');
    expect((await w.store.scores.latestForFacility(w.b.facility.id)).length).toBe(1);
    const before = await snapshotForeign();
    let checked = 0;
    for (const [key, c] of Object.entries(CASES)) {
      const reqs = c.foreign(w);
      if (reqs.length === 0) reqs.push(await c.own(w));
      for (const req of reqs) {
        for (const caller of [
          ...ROLES.map((role) => ({ kind: 'session' as const, role })),
          { kind: 'token' as const },
        ]) {
          const res = await send(key, req, caller);
          const who = `${key} ${req.url} as ${caller.kind === 'session' ? caller.role : caller.kind}`;
          expect(res.statusCode, who).toBeLessThan(500);
          if (res.statusCode < 300) expect(res.body, who).not.toContain(FOREIGN_MARK);
          if (c.foreign(w).length) expect([403, 404], who).toContain(res.statusCode);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(25);
    expect(await snapshotForeign()).toEqual(before);
  });

  it('lets each role use exactly what its role allows on its own objects', async () => {
    for (const [key, c] of Object.entries(CASES)) {
      for (const role of ROLES) {
        const res = await send(key, await c.own(w), { kind: 'session', role });
        const allowed = ROLES.indexOf(role) >= ROLES.indexOf(c.minRole);
        if (allowed) expect(res.statusCode, `${key} as ${role}: ${res.body}`).toBeLessThan(300);
        else expect(res.statusCode, `${key} as ${role}`).toBe(403);
      }
    }
    // The shared facility's scores are readable by the organisation it is shared with.
    const shared = await send(
      'GET /api/v1/facilities/:facilityId/scores',
      CASES['GET /api/v1/facilities/:facilityId/scores']!.own(w) as Req,
      { kind: 'session', role: 'viewer' },
    );
    expect(shared.json<{ product: string }[]>().map((s) => s.product)).toEqual(['load-shape']);
  }, 120_000);
});
