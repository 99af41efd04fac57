/**
 * The authorisation matrix: walks EVERY route registered on the server (and fails when a route has no
 * case here) with every role and with API tokens, against the foreign organisation's objects and
 * against its own. No route may return or change another organisation's data; roles below a route's
 * least role get 403; anonymous callers get 401.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../domain/types.ts';
import { createApiToken, createUser } from './accounts/service.ts';
import {
  type BrowserSession,
  FOREIGN_MARK,
  PASSWORD,
  type World,
  login,
  T0,
  openWorld,
  worldServer,
} from './test-world.ts';

/** One request of a case. */
interface Req {
  url: string;
  /** JSON body, or a raw body sent as application/octet-stream. */
  payload?: Record<string, unknown> | string;
  /** The request ends the caller's session (logout, password change): log in again afterwards. */
  endsSession?: boolean;
}

/** How a route is exercised. */
interface RouteCase {
  /** Least role that may use the route; `public` for anonymous routes. */
  minRole: Role | 'public';
  /** Requests aimed at objects of the foreign organisation (or at a facility only shared read-only). */
  foreign: (w: World) => Req[];
  /** A request on the caller's own objects; called afresh for every role (it may destroy what it made). */
  own: (w: World) => Promise<Req> | Req;
}

const DAY_RANGE = `from=${T0 - 86_400_000}&to=${T0 + 86_400_000}`;

/** Read-only views of one facility: the foreign facility must be 404, the shared one readable. */
function facilityViews(views: string[]): Record<string, RouteCase> {
  const out: Record<string, RouteCase> = {};
  for (const v of views) {
    out[`GET /api/v1/facilities/:facilityId/${v}`] = {
      minRole: 'viewer',
      foreign: (w) => [{ url: `/api/v1/facilities/${w.b.facility.id}/${v}?${DAY_RANGE}` }],
      own: (w) => ({ url: `/api/v1/facilities/${w.shared.facility.id}/${v}?${DAY_RANGE}` }),
    };
  }
  return out;
}

const ISO_RANGE = {
  from: new Date(T0 - 86_400_000).toISOString(),
  to: new Date(T0 + 86_400_000).toISOString(),
};

const CSV = 'meter,channel,timestamp,value,unit\nmain,mains,2024-01-01T00:00:00Z,100,W\n';
/** Import ids made in beforeAll: one of each organisation. */
const imports = { own: '', foreign: '' };

let seq = 0;
const unique = (s: string) => `${s}${++seq}`;
const now = () => Date.now();
const freshUser = async (w: World) =>
  (
    await createUser(
      { store: w.store, now },
      { orgId: w.a.orgId, email: unique('victim'), role: 'viewer', password: PASSWORD },
    )
  ).id;

const CASES: Record<string, RouteCase> = {
  'GET /api/healthz': { minRole: 'public', foreign: () => [], own: () => ({ url: '/api/healthz' }) },
  'POST /api/v1/auth/login': {
    minRole: 'public',
    foreign: (w) => [
      { url: '/api/v1/auth/login', payload: { email: w.b.users.admin.email, password: 'wrong password' } },
    ],
    own: (w) => ({
      url: '/api/v1/auth/login',
      payload: { email: w.a.users.viewer.email, password: PASSWORD },
    }),
  },
  'POST /api/v1/auth/logout': {
    minRole: 'viewer',
    foreign: () => [],
    own: () => ({ url: '/api/v1/auth/logout', endsSession: true }),
  },
  'GET /api/v1/auth/me': { minRole: 'viewer', foreign: () => [], own: () => ({ url: '/api/v1/auth/me' }) },
  'POST /api/v1/auth/password': {
    minRole: 'viewer',
    foreign: () => [],
    own: () => ({
      url: '/api/v1/auth/password',
      payload: { current: PASSWORD, next: PASSWORD },
      endsSession: true,
    }),
  },
  'GET /api/v1/organisation': {
    minRole: 'viewer',
    foreign: () => [],
    own: () => ({ url: '/api/v1/organisation' }),
  },
  'PATCH /api/v1/organisation': {
    minRole: 'admin',
    foreign: () => [{ url: '/api/v1/organisation', payload: { name: 'renamed' } }],
    own: () => ({ url: '/api/v1/organisation', payload: { name: 'org a' } }),
  },
  'GET /api/v1/users': { minRole: 'admin', foreign: () => [], own: () => ({ url: '/api/v1/users' }) },
  'POST /api/v1/users': {
    minRole: 'admin',
    foreign: () => [],
    own: () => ({
      url: '/api/v1/users',
      payload: { email: unique('new'), role: 'viewer', password: PASSWORD },
    }),
  },
  'PATCH /api/v1/users/:userId': {
    minRole: 'admin',
    foreign: (w) => [
      {
        url: `/api/v1/users/${w.b.users.viewer.id}`,
        payload: { role: 'admin', password: 'attacker-password' },
      },
    ],
    own: async (w) => ({ url: `/api/v1/users/${await freshUser(w)}`, payload: { name: 'renamed' } }),
  },
  'DELETE /api/v1/users/:userId': {
    minRole: 'admin',
    foreign: (w) => [{ url: `/api/v1/users/${w.b.users.viewer.id}` }],
    own: async (w) => ({ url: `/api/v1/users/${await freshUser(w)}` }),
  },
  'GET /api/v1/tokens': { minRole: 'admin', foreign: () => [], own: () => ({ url: '/api/v1/tokens' }) },
  'POST /api/v1/tokens': {
    minRole: 'admin',
    foreign: () => [],
    own: () => ({ url: '/api/v1/tokens', payload: { name: 'gw', role: 'viewer' } }),
  },
  'DELETE /api/v1/tokens/:tokenId': {
    minRole: 'admin',
    foreign: (w) => [{ url: `/api/v1/tokens/${w.b.tokenId}` }],
    own: async (w) => {
      const t = await createApiToken(
        { store: w.store, now },
        { orgId: w.a.orgId, name: 'tmp', role: 'viewer', createdBy: null },
      );
      return { url: `/api/v1/tokens/${t.row.id}` };
    },
  },
  'GET /api/v1/shares': { minRole: 'viewer', foreign: () => [], own: () => ({ url: '/api/v1/shares' }) },
  'GET /api/v1/facilities/:facilityId/shares': {
    minRole: 'admin',
    foreign: (w) => [
      { url: `/api/v1/facilities/${w.b.facility.id}/shares` },
      { url: `/api/v1/facilities/${w.shared.facility.id}/shares` },
    ],
    own: (w) => ({ url: `/api/v1/facilities/${w.a.facility.id}/shares` }),
  },
  'POST /api/v1/facilities/:facilityId/shares': {
    minRole: 'admin',
    foreign: (w) => [
      { url: `/api/v1/facilities/${w.b.facility.id}/shares`, payload: { orgId: w.a.orgId, access: 'edit' } },
      {
        url: `/api/v1/facilities/${w.shared.facility.id}/shares`,
        payload: { orgId: w.a.orgId, access: 'edit' },
      },
    ],
    own: (w) => ({
      url: `/api/v1/facilities/${w.a.facility.id}/shares`,
      payload: { userEmail: w.b.users.viewer.email, access: 'read' },
    }),
  },
  'DELETE /api/v1/shares/:shareId': {
    minRole: 'admin',
    foreign: (w) => [{ url: `/api/v1/shares/${w.shared.shareId}` }],
    own: async (w) => {
      const id = unique('shr-own');
      await w.store.accounts.createShare({
        id,
        facilityId: w.a.facility.id,
        ownerOrgId: w.a.orgId,
        granteeUserId: null,
        granteeOrgId: unique('some-org'),
        access: 'read',
        createdBy: null,
        createdAt: 1,
      });
      return { url: `/api/v1/shares/${id}` };
    },
  },
  'GET /api/v1/facilities': {
    minRole: 'viewer',
    foreign: () => [{ url: `/api/v1/facilities?q=${FOREIGN_MARK}` }],
    own: () => ({ url: '/api/v1/facilities' }),
  },
  'GET /api/v1/facilities/:facilityId': {
    minRole: 'viewer',
    foreign: (w) => [{ url: `/api/v1/facilities/${w.b.facility.id}` }],
    own: (w) => ({ url: `/api/v1/facilities/${w.a.facility.id}` }),
  },
  'GET /api/v1/facilities/:facilityId/extent': {
    minRole: 'viewer',
    foreign: (w) => [{ url: `/api/v1/facilities/${w.b.facility.id}/extent` }],
    own: (w) => ({ url: `/api/v1/facilities/${w.a.facility.id}/extent` }),
  },
  'GET /api/v1/facilities/:facilityId/range': {
    minRole: 'viewer',
    foreign: (w) => [
      { url: `/api/v1/facilities/${w.b.facility.id}/range?from=2024-01-01&to=2024-01-07&cmp=prev` },
    ],
    own: (w) => ({
      url: `/api/v1/facilities/${w.shared.facility.id}/range?from=2024-01-01&to=2024-01-07&cmp=year`,
    }),
  },
  'GET /api/v1/facilities/:facilityId/solar': {
    minRole: 'viewer',
    foreign: (w) => [{ url: `/api/v1/facilities/${w.b.facility.id}/solar?period=day&${DAY_RANGE}` }],
    own: (w) => ({ url: `/api/v1/facilities/${w.shared.facility.id}/solar?period=day&${DAY_RANGE}` }),
  },
  'GET /api/v1/costs': {
    minRole: 'viewer',
    foreign: (w) => [
      { url: `/api/v1/costs?level=facility&key=${w.b.facility.id}&period=day&${DAY_RANGE}` },
      { url: `/api/v1/costs?level=channel&key=${w.b.channel.id}&period=hour&${DAY_RANGE}` },
      { url: `/api/v1/costs?level=meter&key=${w.b.meter.id}&period=day&${DAY_RANGE}` },
    ],
    own: (w) => ({ url: `/api/v1/costs?level=facility&key=${w.a.facility.id}&period=day&${DAY_RANGE}` }),
  },
  'GET /api/v1/costs/fleet': {
    minRole: 'viewer',
    foreign: () => [],
    own: () => ({ url: `/api/v1/costs/fleet?period=day&${DAY_RANGE}` }),
  },
  'GET /api/v1/costs/zips': {
    minRole: 'viewer',
    foreign: () => [],
    own: () => ({ url: `/api/v1/costs/zips?period=day&${DAY_RANGE}` }),
  },
  'GET /api/v1/tariffs': {
    minRole: 'viewer',
    foreign: () => [],
    own: () => ({ url: '/api/v1/tariffs' }),
  },
  'POST /api/v1/tariffs': {
    minRole: 'admin',
    foreign: () => [],
    own: () => ({
      url: '/api/v1/tariffs',
      payload: {
        files: [
          {
            name: 'prices.yaml',
            text: 'tariffs:\n  - name: Flat\n    commodity: electricity\n    currency: EUR\n    validFrom: 2024-01-01\n    energy: { kind: flat, rate: 0.3 }\n    region: DE\n    default: true\n',
          },
        ],
      },
    }),
  },
  'PATCH /api/v1/facilities/:facilityId': {
    minRole: 'analyst',
    foreign: (w) => [
      { url: `/api/v1/facilities/${w.b.facility.id}`, payload: { name: 'pwned' } },
      { url: `/api/v1/facilities/${w.shared.facility.id}`, payload: { name: 'pwned' } },
    ],
    own: (w) => ({ url: `/api/v1/facilities/${w.a.facility.id}`, payload: { tags: ['edited'] } }),
  },
  'GET /api/v1/explore': {
    minRole: 'viewer',
    foreign: (w) => [
      { url: `/api/v1/explore?channels=${w.b.channel.id}&from=${T0}&to=${T0 + 3_600_000}` },
      {
        url: `/api/v1/explore?channels=${w.a.channel.id},${w.b.channel.id}&from=${T0}&to=${T0 + 3_600_000}&agg=1m`,
      },
    ],
    own: (w) => ({
      url: `/api/v1/explore?channels=${w.a.channel.id},${w.shared.channel.id}&from=${T0}&to=${T0 + 3_600_000}`,
    }),
  },
  'GET /api/v1/explore/export.csv': {
    minRole: 'viewer',
    foreign: (w) => [
      {
        url: `/api/v1/explore/export.csv?channels=${w.a.channel.id},${w.b.channel.id}&from=${T0}&to=${T0 + 3_600_000}`,
      },
    ],
    own: (w) => ({
      url: `/api/v1/explore/export.csv?channels=${w.a.channel.id}&from=${T0}&to=${T0 + 3_600_000}`,
    }),
  },
  ...facilityViews(['energy', 'heatmap', 'breakdown', 'summary']),
  'GET /api/v1/rollups': {
    minRole: 'viewer',
    foreign: (w) => [
      { url: `/api/v1/rollups?level=channel&key=${w.b.channel.id}&period=hour&${DAY_RANGE}` },
      { url: `/api/v1/rollups?level=meter&key=${w.b.meter.id}&period=hour&${DAY_RANGE}` },
      { url: `/api/v1/rollups?level=facility&key=${w.b.facility.id}&period=day&${DAY_RANGE}` },
    ],
    own: (w) => ({ url: `/api/v1/rollups?level=meter&key=${w.a.meter.id}&period=hour&${DAY_RANGE}` }),
  },
  'GET /api/v1/zips': {
    minRole: 'viewer',
    foreign: () => [],
    own: () => ({ url: `/api/v1/zips?${DAY_RANGE}` }),
  },
  'GET /api/grafana': { minRole: 'viewer', foreign: () => [], own: () => ({ url: '/api/grafana/' }) },
  'POST /api/grafana/metrics': {
    minRole: 'viewer',
    foreign: () => [],
    own: () => ({ url: '/api/grafana/metrics', payload: {} }),
  },
  'POST /api/grafana/metric-payload-options': {
    minRole: 'viewer',
    foreign: (w) => [
      {
        url: '/api/grafana/metric-payload-options',
        payload: { metric: 'channel', payload: { facility: w.b.facility.id }, name: 'channel' },
      },
    ],
    own: () => ({
      url: '/api/grafana/metric-payload-options',
      payload: { metric: 'channel', payload: {}, name: 'channel' },
    }),
  },
  'POST /api/grafana/variable': {
    minRole: 'viewer',
    foreign: (w) => [
      {
        url: '/api/grafana/variable',
        payload: { payload: { target: 'channels', facility: w.b.facility.id } },
      },
    ],
    own: () => ({ url: '/api/grafana/variable', payload: { payload: { target: 'channels' } } }),
  },
  'POST /api/grafana/tag-keys': {
    minRole: 'viewer',
    foreign: () => [],
    own: () => ({ url: '/api/grafana/tag-keys', payload: {} }),
  },
  'POST /api/grafana/tag-values': {
    minRole: 'viewer',
    foreign: () => [],
    own: () => ({ url: '/api/grafana/tag-values', payload: { key: 'facility' } }),
  },
  'POST /api/grafana/query': {
    minRole: 'viewer',
    foreign: (w) => [
      {
        url: '/api/grafana/query',
        payload: { range: ISO_RANGE, targets: [{ target: w.b.channel.id, refId: 'A' }] },
      },
      { url: '/api/grafana/query', payload: { range: ISO_RANGE, targets: [{ target: 'alerts' }] } },
      {
        url: '/api/grafana/query',
        payload: {
          range: ISO_RANGE,
          targets: [{ target: 'alerts', payload: { facility: w.b.facility.id } }],
        },
      },
    ],
    own: (w) => ({
      url: '/api/grafana/query',
      payload: { range: ISO_RANGE, targets: [{ target: w.shared.channel.id, refId: 'A' }] },
    }),
  },
  'POST /api/v1/imports': {
    minRole: 'analyst',
    foreign: (w) => [
      { url: `/api/v1/imports?filename=x.csv&facility=${w.b.facility.id}&wait=true`, payload: CSV },
      { url: `/api/v1/imports?filename=x.csv&facility=${w.shared.facility.id}&wait=true`, payload: CSV },
    ],
    own: () => ({ url: `/api/v1/imports?filename=${unique('upload')}.csv&wait=true`, payload: CSV }),
  },
  'GET /api/v1/imports': { minRole: 'viewer', foreign: () => [], own: () => ({ url: '/api/v1/imports' }) },
  'GET /api/v1/imports/:importId': {
    minRole: 'viewer',
    foreign: () => [{ url: `/api/v1/imports/${imports.foreign}` }],
    own: () => ({ url: `/api/v1/imports/${imports.own}` }),
  },
};

const ROLE_ORDER: Role[] = ['viewer', 'analyst', 'admin'];
const methodOf = (key: string) => key.split(' ')[0] as 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Everything of organisation b that a must never change. */
async function snapshotForeign(w: World): Promise<string> {
  const s = w.store;
  return JSON.stringify({
    org: await s.catalog.getOrganisation(w.b.orgId),
    users: await s.accounts.listUsers({ orgId: w.b.orgId }),
    tokens: (await s.accounts.listTokens({ orgId: w.b.orgId })).map((t) => ({ ...t, lastUsedAt: null })),
    shares: await s.accounts.listShares({ ownerOrgId: w.b.orgId }),
    facilities: await s.catalog.listFacilities({ orgId: w.b.orgId }),
    meters: await s.catalog.listMeters({ facilityId: w.b.facility.id }),
    channels: await s.catalog.listChannels({ facilityId: w.b.facility.id }),
  });
}

describe('authorisation matrix over every route', () => {
  let w: World;
  let app: FastifyInstance;
  const sessions = new Map<Role, BrowserSession>();
  const sessionOf = async (role: Role) => {
    let s = sessions.get(role);
    if (!s) sessions.set(role, (s = await login(app, w.a.users[role].email)));
    return s;
  };
  type Caller = { kind: 'session'; role: Role } | { kind: 'token' } | { kind: 'anonymous' };
  const send = async (key: string, req: Req, caller: Caller) => {
    const headers: Record<string, string> = {};
    if (caller.kind === 'session') {
      const s = await sessionOf(caller.role);
      headers['cookie'] = s.cookie;
      headers['x-csrf-token'] = s.csrf;
    } else if (caller.kind === 'token') headers['authorization'] = `Bearer ${w.a.token}`;
    const res = await app.inject({
      method: methodOf(key),
      url: req.url,
      headers,
      ...(req.payload ? { payload: req.payload } : {}),
    });
    if (req.endsSession && caller.kind === 'session') sessions.delete(caller.role);
    return res;
  };

  beforeAll(async () => {
    w = await openWorld();
    app = await worldServer(w, { loginRateLimit: { max: 10_000, timeWindowMs: 60_000 } });
    for (const [side, org, name] of [
      ['own', w.a, 'mine'],
      ['foreign', w.b, FOREIGN_MARK],
    ] as const) {
      const s = await login(app, org.users.admin.email);
      const res = await app.inject({
        method: 'POST',
        url: `/api/v1/imports?filename=${name}.csv&wait=true`,
        headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'text/csv' },
        payload: CSV,
      });
      imports[side] = res.json<{ id: string }>().id;
    }
  });
  afterAll(async () => {
    await app?.close();
    await w?.close();
  });

  it('has a case for every registered /api route', () => {
    const registered = app.routeTable
      .filter((r) => r.url.startsWith('/api/') && !r.url.startsWith('/api/docs'))
      .map((r) => `${r.method} ${r.url}`);
    expect(registered.length).toBeGreaterThan(10);
    expect([...new Set(registered)].sort()).toEqual(Object.keys(CASES).sort());
  });

  it('answers 401 to anonymous callers on every non-public route', async () => {
    for (const [key, c] of Object.entries(CASES)) {
      if (c.minRole === 'public') continue;
      const res = await send(key, await c.own(w), { kind: 'anonymous' });
      expect(res.statusCode, `${key} anonymous`).toBe(401);
      expect(res.json()).toMatchObject({ error: 'UNAUTHENTICATED' });
    }
  });

  it("never returns or changes the foreign organisation's data, for any role or token", async () => {
    const before = await snapshotForeign(w);
    const callers: Caller[] = [
      ...ROLE_ORDER.map((role) => ({ kind: 'session' as const, role })),
      { kind: 'token' },
    ];
    let checked = 0;
    for (const [key, c] of Object.entries(CASES)) {
      const reqs = [...c.foreign(w)];
      // Routes without a foreign object still must not leak: call them as they are.
      if (reqs.length === 0 && c.minRole !== 'public') reqs.push(await c.own(w));
      for (const req of reqs) {
        for (const caller of callers) {
          const res = await send(key, req, caller);
          const who = `${key} ${req.url} as ${caller.kind === 'session' ? caller.role : caller.kind}`;
          expect(res.statusCode, who).toBeLessThan(500);
          if (res.statusCode < 300) expect(res.body, who).not.toContain(FOREIGN_MARK);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(40);
    expect(await snapshotForeign(w)).toEqual(before);
  });

  it('lets each role use exactly the routes its role allows on its own objects', async () => {
    for (const [key, c] of Object.entries(CASES)) {
      if (c.minRole === 'public') continue;
      for (const role of ROLE_ORDER) {
        const res = await send(key, await c.own(w), { kind: 'session', role });
        const allowed = ROLE_ORDER.indexOf(role) >= ROLE_ORDER.indexOf(c.minRole);
        if (allowed) expect(res.statusCode, `${key} as ${role}: ${res.body}`).toBeLessThan(300);
        else expect(res.statusCode, `${key} as ${role}`).toBe(403);
      }
    }
  });
});
