/**
 * Every numeric and time parameter of every route, with the values a hostile client sends (negative,
 * fractional, astronomically large, not a number, out of calendar): each must answer 400 naming the
 * field, never reach the database. The table must list every /api route of the whole application
 * (the composition root's server, plugins included), so a new route cannot skip the check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../app.ts';
import { SEEDED, type TestApp, startTestApp } from './test-app.ts';

const T = '1700000000000';
const T2 = '1700086400000';
/** Values no time parameter may take. */
const BAD_TIMES = [
  '-1',
  '1.5',
  '-1e308',
  '1e308',
  'banana',
  '2024-13-45',
  '99999999999999999999',
  '2100-01-02',
];
/** Values no row limit or count may take. */
const BAD_COUNTS = ['-1', '0', '1.5', '1e308', 'banana'];

type Kind = 'time' | 'date' | 'count' | 'score' | 'duration';
const BAD: Record<Kind, string[]> = {
  time: BAD_TIMES,
  date: ['-1', '1.5', 'banana', '2024-13-45', '2023-02-29', '1700000000000', '2100-01-02', '1969-12-31'],
  count: BAD_COUNTS,
  score: ['-1', '101', '1e308', 'x'],
  duration: ['0s', '-1m', '1.5', '99999999999999999999d', '1e308s', 'banana'],
};
const GOOD: Record<Kind, string> = { time: T, date: '2023-11-14', count: '10', score: '50', duration: '15m' };

/** One parameter of a route: where it goes and how to build a request with it set to `value`. */
interface Param {
  field: string;
  kind: Kind;
  /** The request with this parameter set to `value` and every other one valid. */
  request: (value: string) => { url: string; payload?: Record<string, unknown> };
}

const FAC = SEEDED.facilityId;
const CH = SEEDED.channelId;
const query = (path: string, base: Record<string, string>) => (field: string, kind: Kind) => ({
  field,
  kind,
  request: (value: string) => ({ url: `${path}?${new URLSearchParams({ ...base, [field]: value })}` }),
});
const range = { from: T, to: T2 };
const facilityRange = (view: string) => {
  const q = query(`/api/v1/facilities/${FAC}/${view}`, range);
  return [q('from', 'time'), q('to', 'time')];
};
const grafanaRange = (field: 'from' | 'to'): Param => ({
  field: `range.${field}`,
  kind: 'time',
  request: (value) => ({
    url: '/api/grafana/query',
    payload: { range: { from: T, to: T2, [field]: value }, targets: [{ target: CH, refId: 'A' }] },
  }),
});
const jobBody = (field: string, kind: Kind): Param => ({
  field,
  kind,
  request: (value) => ({
    url: '/api/v1/jobs',
    payload: {
      product: 'load-shape',
      facilityIds: [FAC],
      [field]: /^\d+$/.test(value) ? Number(value) : value,
    },
  }),
});

/** Every /api route; an empty list means it takes no numeric or time parameter. */
const ROUTES: Record<string, Param[]> = {
  'GET /api/healthz': [],
  'POST /api/v1/auth/login': [],
  'POST /api/v1/auth/logout': [],
  'GET /api/v1/auth/me': [],
  'POST /api/v1/auth/password': [],
  'GET /api/v1/organisation': [],
  'PATCH /api/v1/organisation': [],
  'GET /api/v1/users': [],
  'POST /api/v1/users': [],
  'PATCH /api/v1/users/:userId': [],
  'DELETE /api/v1/users/:userId': [],
  'GET /api/v1/tokens': [],
  'POST /api/v1/tokens': [
    {
      field: 'expiresInDays',
      kind: 'count',
      request: (v) => ({ url: '/api/v1/tokens', payload: { name: 't', expiresInDays: v } }),
    },
  ],
  'DELETE /api/v1/tokens/:tokenId': [],
  'GET /api/v1/shares': [],
  'GET /api/v1/facilities/:facilityId/shares': [],
  'POST /api/v1/facilities/:facilityId/shares': [],
  'DELETE /api/v1/shares/:shareId': [],
  'GET /api/v1/facilities': [
    query('/api/v1/facilities', { product: 'load-shape' })('minScore', 'score'),
    query('/api/v1/facilities', { product: 'load-shape' })('maxScore', 'score'),
  ],
  'GET /api/v1/facilities/:facilityId': [],
  'PATCH /api/v1/facilities/:facilityId': [],
  'GET /api/v1/facilities/:facilityId/summary': [],
  'GET /api/v1/explore': [
    query('/api/v1/explore', { channels: CH, ...range })('from', 'time'),
    query('/api/v1/explore', { channels: CH, ...range })('to', 'time'),
    query('/api/v1/explore', { channels: CH, ...range })('width', 'count'),
  ],
  'GET /api/v1/explore/export.csv': [
    query('/api/v1/explore/export.csv', { channels: CH, ...range })('from', 'time'),
    query('/api/v1/explore/export.csv', { channels: CH, ...range })('to', 'time'),
  ],
  'GET /api/v1/facilities/:facilityId/energy': facilityRange('energy'),
  'GET /api/v1/facilities/:facilityId/heatmap': facilityRange('heatmap'),
  'GET /api/v1/facilities/:facilityId/range': [
    query(`/api/v1/facilities/${FAC}/range`, { from: '2023-11-01', to: '2023-11-30' })('from', 'date'),
    query(`/api/v1/facilities/${FAC}/range`, { from: '2023-11-01', to: '2023-11-30' })('to', 'date'),
  ],
  'GET /api/v1/facilities/:facilityId/extent': [],
  'GET /api/v1/facilities/:facilityId/breakdown': facilityRange('breakdown'),
  'GET /api/v1/facilities/:facilityId/solar': facilityRange('solar'),
  'GET /api/v1/rollups': [
    query('/api/v1/rollups', { level: 'channel', key: CH, period: 'day', ...range })('from', 'time'),
    query('/api/v1/rollups', { level: 'channel', key: CH, period: 'day', ...range })('to', 'time'),
  ],
  'GET /api/v1/zips': [
    query('/api/v1/zips', range)('from', 'time'),
    query('/api/v1/zips', range)('to', 'time'),
  ],
  'GET /api/v1/costs': [
    query('/api/v1/costs', { level: 'channel', key: CH, period: 'day', ...range })('from', 'time'),
    query('/api/v1/costs', { level: 'channel', key: CH, period: 'day', ...range })('to', 'time'),
  ],
  'GET /api/v1/costs/fleet': [
    query('/api/v1/costs/fleet', { period: 'day', ...range })('from', 'time'),
    query('/api/v1/costs/fleet', { period: 'day', ...range })('to', 'time'),
  ],
  'GET /api/v1/costs/zips': [
    query('/api/v1/costs/zips', { period: 'day', ...range })('from', 'time'),
    query('/api/v1/costs/zips', { period: 'day', ...range })('to', 'time'),
  ],
  // Tariff files are checked by their zod schema, naming the file and field (src/cost/tariff-file.test.ts).
  'GET /api/v1/tariffs': [],
  'POST /api/v1/tariffs': [],
  'POST /api/v1/imports': [],
  'GET /api/v1/imports': [],
  'GET /api/v1/imports/:importId': [],
  'GET /api/grafana': [],
  'POST /api/grafana/metrics': [],
  'POST /api/grafana/metric-payload-options': [],
  'POST /api/grafana/variable': [],
  'POST /api/grafana/tag-keys': [],
  'POST /api/grafana/tag-values': [],
  'POST /api/grafana/query': [
    grafanaRange('from'),
    grafanaRange('to'),
    {
      field: 'maxDataPoints',
      kind: 'count',
      request: (v) => ({
        url: '/api/grafana/query',
        payload: { range: { from: T, to: T2 }, targets: [{ target: CH }], maxDataPoints: v },
      }),
    },
  ],
  'GET /api/v1/products': [],
  'POST /api/v1/jobs': [jobBody('from', 'time'), jobBody('to', 'time'), jobBody('shards', 'count')],
  'GET /api/v1/jobs': [],
  'GET /api/v1/jobs/:jobId': [],
  'POST /api/v1/jobs/:jobId/cancel': [],
  'GET /api/v1/facilities/:facilityId/scores': [],
  'GET /api/v1/products/:product/ranking': [
    query('/api/v1/products/load-shape/ranking', {})('limit', 'count'),
  ],
  'GET /api/v1/facilities/:facilityId/nilm': [
    query(`/api/v1/facilities/${FAC}/nilm`, {})('from', 'time'),
    query(`/api/v1/facilities/${FAC}/nilm`, {})('to', 'time'),
  ],
  'GET /api/v1/facilities/:facilityId/nilm/live': [],
  'POST /api/v1/readings': [],
  'GET /api/v1/alerts': [
    query('/api/v1/alerts', range)('from', 'time'),
    query('/api/v1/alerts', range)('to', 'time'),
    query('/api/v1/alerts', {})('limit', 'count'),
  ],
  'POST /api/v1/alerts/:id/acknowledge': [],
  'POST /api/v1/alerts/:id/close': [],
  'GET /api/v1/rules': [],
  'GET /api/v1/rules/:id': [],
  'POST /api/v1/rules': [],
  'PUT /api/v1/rules/:id': [],
  'DELETE /api/v1/rules/:id': [],
  'GET /api/v1/live/latest': [],
  'GET /api/v1/live/windows': [
    query('/api/v1/live/windows', { channelId: CH, ...range })('from', 'time'),
    query('/api/v1/live/windows', { channelId: CH, ...range })('to', 'time'),
    query('/api/v1/live/windows', { channelId: CH, ...range })('width', 'duration'),
  ],
  'GET /api/v1/live': [],
  'GET /api/v1/live/ws': [],
  'GET /api/v1/ingest/quarantine': [query('/api/v1/ingest/quarantine', {})('limit', 'count')],
  'GET /api/v1/ingest/metrics': [],
  // A person's settings (sessions only): digestMinutes is bounded by its zod schema (src/api/shapes/notifications.ts).
  'GET /api/v1/me/notifications': [],
  'PUT /api/v1/me/notifications': [],
  'POST /api/v1/me/notifications/test': [],
  // The device registry has no numeric or time parameters; names and bodies: src/devices/routes.test.ts.
  'GET /api/v1/devices': [],
  'GET /api/v1/devices/:id': [],
  'POST /api/v1/devices': [],
  'POST /api/v1/devices/:id/rotate': [],
  'POST /api/v1/devices/:id/revoke': [],
  'PATCH /api/v1/devices/:id': [],
  // Retention: whole days in a zod-checked body, no query parameters (src/retention/routes.test.ts).
  'GET /api/v1/retention': [],
  'PUT /api/v1/retention': [],
  'POST /api/v1/retention/run': [],
};

describe('bad numeric and time parameters on every route', () => {
  let t: TestApp;
  let app: App;

  beforeAll(async () => {
    t = await startTestApp();
    app = t.app;
  }, 60_000);
  afterAll(async () => t?.close());

  const send = (method: string, req: { url: string; payload?: Record<string, unknown> }) =>
    app.http.inject({
      method: method as 'GET',
      url: req.url,
      headers: { authorization: `Bearer ${t.token}` },
      ...(req.payload ? { payload: req.payload } : {}),
    });

  it('lists every /api route of the application', () => {
    const registered = app.http.routeTable
      .filter((r) => r.url.startsWith('/api/') && !r.url.startsWith('/api/docs'))
      .map((r) => `${r.method} ${r.url.replace(/\/$/, '')}`);
    expect([...new Set(registered)].sort()).toEqual(Object.keys(ROUTES).sort());
  });

  it('accepts the valid request of every parameter (the table is not testing a broken request)', async () => {
    for (const [key, params] of Object.entries(ROUTES)) {
      for (const p of params) {
        const good = p.kind === 'time' && p.field.endsWith('to') ? T2 : GOOD[p.kind];
        const res = await send(key.split(' ')[0]!, p.request(good));
        expect(res.statusCode, `${key} ${p.field}=${good}: ${res.body}`).toBeLessThan(300);
      }
    }
  });

  it('answers 400 naming the field, for every bad value of every parameter', async () => {
    let checked = 0;
    for (const [key, params] of Object.entries(ROUTES)) {
      for (const p of params) {
        for (const bad of BAD[p.kind]) {
          const res = await send(key.split(' ')[0]!, p.request(bad));
          const who = `${key} ${p.field}=${bad}: ${res.body}`;
          expect(res.statusCode, who).toBe(400);
          const body = res.json<{ error: string; message: string }>();
          expect(body.error, who).toBe('INPUT_INVALID');
          expect(body.message, who).toContain(p.field.split('.').pop());
          expect(body.message, who).not.toMatch(/select|from \w+ where|duckdb|postgres|\n\s+at /i);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(150);
  });

  it('takes ISO 8601 as well as UTC milliseconds', async () => {
    const iso = `from=2023-11-14T22:13:20Z&to=2023-11-15T22:13:20%2B00:00`;
    for (const url of [
      `/api/v1/explore?channels=${CH}&${iso}`,
      `/api/v1/alerts?${iso}`,
      `/api/v1/facilities/${FAC}/heatmap?from=2023-11-14&to=2023-11-16`,
    ]) {
      const res = await send('GET', { url });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    }
  });
});
