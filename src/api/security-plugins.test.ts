/**
 * The authorisation walk over the routes other features plug into the server (real-time: ingest,
 * alerts, rules, live values; jobs: products, jobs, scores), registered as src/app.ts registers them.
 * Every such route is called by every role and an API token with the foreign organisation's ids in
 * its path parameters (and an empty body): none may return the foreign organisation's marker or
 * change its data. Anonymous callers get 401 except on public routes.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import type { Role } from '../domain/types.ts';
import { jobRoutes } from '../jobs/routes.ts';
import { createJobService } from '../jobs/job-service.ts';
import { orgTokenAuth } from '../realtime/device-auth.ts';
import { createChannelDirectory } from '../realtime/directory.ts';
import { realtimeRoutes } from './routes/realtime/index.ts';
import { createEventHub } from '../realtime/hub.ts';
import { createIngest } from '../realtime/ingest.ts';
import { createMemoryLog } from '../realtime/log/memory/index.ts';
import { createQuarantine } from '../realtime/quarantine.ts';
import { createProductRegistry } from '../scoring/registry.ts';
import { parseRule } from '../domain/rule-spec.ts';
import {
  type BrowserSession,
  FOREIGN_MARK,
  T0,
  type World,
  login,
  openWorld,
  worldServer,
} from './test-world.ts';

/** Routes that stream (server-sent events) and never end: only their anonymous check runs. */
const STREAMING = new Set(['GET /api/v1/live']);

describe('authorisation walk over plugged-in routes', () => {
  let w: World;
  let app: FastifyInstance;
  let log: ReturnType<typeof createMemoryLog>;
  let own: Set<string>;
  const sessions = new Map<Role, BrowserSession>();

  beforeAll(async () => {
    w = await openWorld();
    const s = w.store;
    await s.alerts.putRule({
      ...parseRule({
        name: `${FOREIGN_MARK}-rule`,
        severity: 'critical',
        scope: { mainsOnly: true },
        condition: { type: 'drop_to_zero', from: 100 },
      }),
      id: `${FOREIGN_MARK}-rule`,
      orgId: w.b.orgId,
      createdAt: T0,
      updatedAt: T0,
    });
    await s.jobs.createJob(
      {
        id: `${FOREIGN_MARK}-job`,
        orgId: w.b.orgId,
        kind: 'score',
        target: 'load-shape',
        executor: 'local',
        params: { facilityIds: [w.b.facility.id] },
        state: 'succeeded',
        shards: 0,
        shardsDone: 0,
        shardsFailed: 0,
        externalId: null,
        createdBy: null,
        createdAt: T0,
        startedAt: null,
        endedAt: null,
        error: null,
      },
      [],
    );
    const config = loadConfig({}, { LOADSCOPE_DUCKDB: ':memory:' });
    const directory = createChannelDirectory({ catalog: s.catalog });
    const quarantine = createQuarantine();
    log = createMemoryLog();
    const hub = createEventHub();
    const registry = await createProductRegistry({});
    const ingest = createIngest({
      directory,
      log,
      quarantine,
      now: Date.now,
      limits: { maxPayloadBytes: 64_000, rate: { perSecond: 1000, burst: 2000 } },
    });
    // Routes without plugins, to tell the plugged-in ones apart.
    const bare = await worldServer(w);
    own = new Set(bare.routeTable.map((r) => `${r.method} ${r.url}`));
    await bare.close();
    // The device verifier is the server's own token check, known once the server exists.
    const deviceAuth: { current?: ReturnType<typeof orgTokenAuth> } = {};
    app = await worldServer(w, {
      loginRateLimit: { max: 10_000, timeWindowMs: 60_000 },
      plugins: [
        jobRoutes({ service: createJobService({ store: s, config, tasks: {} }), registry }),
        realtimeRoutes({
          ingest,
          deviceAuth: { verify: (t) => deviceAuth.current!.verify(t) },
          store: s,
          directory,
          hub,
          quarantine,
          now: Date.now,
        }),
      ],
    });
    deviceAuth.current = orgTokenAuth(app.auth);
    for (const role of ['viewer', 'analyst', 'admin'] as const)
      sessions.set(role, await login(app, w.a.users[role].email));
  });
  afterAll(async () => {
    await app?.close();
    await log?.close();
    await w?.close();
  });

  const pluginRoutes = () =>
    app.routeTable.filter(
      (r) => r.url.startsWith('/api/') && !r.url.startsWith('/api/docs') && !own.has(`${r.method} ${r.url}`),
    );

  /** Fills path parameters with the foreign organisation's ids. */
  const foreignUrl = (url: string) =>
    url
      .replace(':facilityId', w.b.facility.id)
      .replace(':channelId', w.b.channel.id)
      .replace(':jobId', `${FOREIGN_MARK}-job`)
      .replace(':product', 'load-shape')
      .replace(/\/alerts\/:id/, `/alerts/${FOREIGN_MARK}-alert`)
      .replace(/\/rules\/:id/, `/rules/${FOREIGN_MARK}-rule`)
      .replace(/:[A-Za-z]+/g, FOREIGN_MARK);

  /** Query strings that aim list routes at the foreign organisation's objects. */
  const foreignQuery = () => `?facilityId=${w.b.facility.id}&channelId=${w.b.channel.id}&from=0&to=${T0 * 2}`;

  const snapshot = async () =>
    JSON.stringify({
      alerts: await w.store.alerts.listAlerts({ orgId: w.b.orgId }),
      rules: await w.store.alerts.listRules({ orgId: w.b.orgId }),
      jobs: await w.store.jobs.listJobs({ orgId: w.b.orgId }),
      readings: await w.store.readings.count(w.b.channel.id),
      latest: await w.store.live.getLatest({ channelIds: [w.b.channel.id] }),
    });

  it('finds the plugged-in routes', () => {
    const keys = pluginRoutes().map((r) => `${r.method} ${r.url}`);
    expect(keys).toContain('POST /api/v1/readings');
    expect(keys).toContain('POST /api/v1/alerts/:id/acknowledge');
    expect(keys).toContain('GET /api/v1/jobs/:jobId');
    expect(keys.length).toBeGreaterThan(12);
  });

  it('answers 401 to anonymous callers except on public routes', async () => {
    for (const r of pluginRoutes()) {
      const res = await app.inject({
        method: r.method as 'GET',
        url: foreignUrl(r.url),
        ...(r.method === 'GET' ? {} : { payload: {} }),
      });
      if (r.url === '/api/v1/readings')
        expect(res.statusCode, r.url).toBe(401); // public route, device token required
      else expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
    }
  });

  it("never returns or changes the foreign organisation's data", async () => {
    const before = await snapshot();
    const token = { authorization: `Bearer ${w.a.token}` };
    let checked = 0;
    for (const r of pluginRoutes()) {
      const key = `${r.method} ${r.url}`;
      if (STREAMING.has(key)) continue;
      const url = foreignUrl(r.url) + (r.method === 'GET' ? foreignQuery() : '');
      const bodies: (object | undefined)[] =
        r.url === '/api/v1/readings'
          ? [{ readings: [{ channel: w.b.channel.id, ts: T0 + 700_000, value: 1 }] }]
          : r.method === 'GET'
            ? [undefined]
            : [{}, { facilityIds: [w.b.facility.id], product: 'load-shape', state: 'closed' }];
      for (const body of bodies) {
        const callers = [
          ...[...sessions.values()].map((s) => ({ cookie: s.cookie, 'x-csrf-token': s.csrf })),
          token,
        ];
        for (const headers of callers) {
          const res = await app.inject({
            method: r.method as 'GET',
            url,
            headers,
            ...(body ? { payload: body } : {}),
          });
          expect(res.statusCode, `${key} -> ${res.body}`).toBeLessThan(500);
          if (res.statusCode < 300) expect(res.body, `${key} ${url}`).not.toContain(FOREIGN_MARK);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(40);
    expect(await snapshot()).toEqual(before);
  });

  it("shows a shared facility's alerts and latest values, and still none of the owner's other facilities", async () => {
    await w.store.alerts.insertAlerts([
      {
        id: 'alert-on-shared-facility',
        rule: 'overshoot',
        channelId: w.shared.channel.id,
        facilityId: w.shared.facility.id,
        orgId: w.b.orgId,
        ts: T0 + 2000,
        endTs: null,
        value: 170,
        threshold: 150,
        unit: 'W',
        severity: 'warning',
        state: 'open',
        message: 'overshoot on the shared facility',
        createdAt: T0,
        updatedAt: T0,
      },
    ]);
    const s = sessions.get('viewer')!;
    const get = (url: string) =>
      app.inject({ method: 'GET', url, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });
    const all = await get('/api/v1/alerts');
    expect(all.statusCode).toBe(200);
    expect(all.json<{ id: string }[]>().map((a) => a.id)).toContain('alert-on-shared-facility');
    expect(all.body).not.toContain(FOREIGN_MARK);
    const one = await get(`/api/v1/alerts?facilityId=${w.shared.facility.id}`);
    expect(one.json<{ id: string }[]>().map((a) => a.id)).toEqual(['alert-on-shared-facility']);
    const foreign = await get(`/api/v1/alerts?facilityId=${w.b.facility.id}`);
    expect(foreign.json<unknown[]>()).toEqual([]);
    const latest = await get(`/api/v1/live/latest?facilityId=${w.shared.facility.id}`);
    expect(latest.json<{ channelId: string }[]>().map((l) => l.channelId)).toEqual([w.shared.channel.id]);
    // Acknowledging stays with the owner: a share is read-only for alerts.
    const ack = await app.inject({
      method: 'POST',
      url: '/api/v1/alerts/alert-on-shared-facility/acknowledge',
      headers: { cookie: sessions.get('admin')!.cookie, 'x-csrf-token': sessions.get('admin')!.csrf },
    });
    expect(ack.statusCode).toBe(404);
  });
});
