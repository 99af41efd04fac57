/**
 * Every GET the API offers answers the same before and after a retention run, over ranges that cross
 * the boundary. Sixty days of two channels (5-minute steps, a facility in Europe/Berlin) are stored and
 * rolled up; the answers are collected from a freshly started application (no cache), the run is
 * started through the API (POST /api/v1/retention/run) and the answers are collected again from a
 * freshly started application over the store that now holds 35 days and the lake.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiToken } from '../api/accounts/service.ts';
import { createApp, type App } from '../app.ts';
import { loadConfig } from '../config.ts';
import type { ReadingBatch } from '../domain/types.ts';
import { electricityMeter, powerMains } from '../store/contract/fixtures.ts';
import { openStore } from '../store/open-store.ts';
import { silentLogger } from '../util/logger.ts';
import { utcMidnight } from './run.ts';

const DAY = 86_400_000;
const STEP = 300_000;
let dir: string;
const config = () =>
  loadConfig(
    {},
    {
      LOADSCOPE_DATA_DIR_STATE: dir,
      LOADSCOPE_PORT: '0',
      LOADSCOPE_MQTT_PORT: '0',
      LOADSCOPE_SIM: '0',
      // One batch run at start (rollups of the seeded readings); the next would be an hour later.
      LOADSCOPE_BATCH_EVERY: '3600',
    },
  );
const end = utcMidnight(Date.now()) - 2 * DAY;
const start = end - 60 * DAY;
const boundary = utcMidnight(Date.now() - 35 * DAY);

async function seed(): Promise<number> {
  const store = await openStore(config());
  try {
    await store.catalog.upsertOrganisations([{ id: 'default', name: 'default', createdAt: 1 }]);
    await store.catalog.upsertFacilities([
      {
        id: 'fac-1',
        orgId: 'default',
        name: 'plant',
        kind: 'commercial',
        address: null,
        zip: '10115',
        timeZone: 'Europe/Berlin',
        tags: [],
        createdAt: 1,
      },
    ]);
    await store.catalog.upsertMeters([electricityMeter('met-1', 'fac-1')]);
    await store.catalog.upsertChannels([
      { ...powerMains('ch-1', 'met-1'), intervalMs: STEP },
      { ...powerMains('ch-2', 'met-1'), name: 'oven', isMains: false, appliance: 'oven', intervalMs: STEP },
    ]);
    const n = (end - start) / STEP;
    const b: ReadingBatch = {
      channelIds: ['ch-1', 'ch-2'],
      channel: new Int32Array(2 * n),
      ts: new Float64Array(2 * n),
      value: new Float64Array(2 * n),
      quality: new Uint8Array(2 * n),
      length: 2 * n,
    };
    for (let i = 0; i < n; i++)
      for (let c = 0; c < 2; c++) {
        const t = start + i * STEP;
        b.channel[2 * i + c] = c;
        b.ts[2 * i + c] = t;
        b.value[2 * i + c] = Math.round(100 * (800 + 600 * Math.sin(t / 1.3e7 + c) + 37 * c)) / 100;
      }
    await store.readings.write(b);
    return b.length;
  } finally {
    await store.close();
  }
}

/** Starts the application on `dir`, runs `fn` with an admin token, stops it. */
async function withApp<T>(fn: (app: App, auth: Record<string, string>) => Promise<T>): Promise<T> {
  const app = createApp(config(), { logger: silentLogger() });
  await app.start();
  try {
    const { token } = await createApiToken(
      { store: app.store, now: Date.now },
      { orgId: 'default', name: `t${Math.random()}`, role: 'admin', createdBy: null },
    );
    return await fn(app, { authorization: `Bearer ${token}` });
  } finally {
    await app.stop();
  }
}

const iso = (t: number) => new Date(t).toISOString();
const date = (t: number) => iso(t).slice(0, 10);
// Ranges across the boundary (and one wholly below it), in each form the routes take.
const RANGES = [
  [start + DAY / 3, end - 5 * DAY],
  [start, boundary + 3 * DAY],
  [start + 2 * DAY, start + 9 * DAY],
] as const;
const queriesOf = ([from, to]: readonly [number, number]) => [
  '',
  `?from=${iso(from)}&to=${iso(to)}`,
  `?from=${date(from)}&to=${date(to)}`,
  `?channels=ch-1,ch-2&from=${iso(from)}&to=${iso(to)}`,
  `?channels=ch-1&from=${iso(from)}&to=${iso(to)}&width=1500`,
  `?channels=ch-2&from=${iso(from)}&to=${iso(to)}&width=40`,
  `?channelId=ch-1&from=${iso(from)}&to=${iso(to)}`,
  `?period=day&from=${date(from)}&to=${date(to)}`,
  `?level=facility&key=fac-1&period=hour&from=${iso(from)}&to=${iso(to)}`,
];
/** Answers that change by themselves (clocks, counters, this run's own state), not by the readings. */
const VOLATILE = /^\/api\/v1\/(auth|tokens|users|retention|ingest\/metrics|live|devices|jobs|imports|me\/)/;

async function answers(app: App, auth: Record<string, string>): Promise<Map<string, string>> {
  const routes = app.http.routeTable
    .filter((r) => r.method === 'GET' && r.url.startsWith('/api/v1/') && !VOLATILE.test(r.url))
    .map((r) =>
      r.url.replace(':facilityId', 'fac-1').replace(':channelId', 'ch-1').replace(':meterId', 'met-1'),
    )
    .filter((u) => !u.includes(':'));
  const out = new Map<string, string>();
  for (const url of [...new Set(routes)].sort())
    for (const range of RANGES)
      for (const q of queriesOf(range)) {
        // Without a range the solar view ends at the clock's now.
        if (q === '' && url.endsWith('/solar')) continue;
        const res = await app.http.inject({ method: 'GET', url: url + q, headers: auth });
        out.set(url + q, `${res.statusCode} ${res.body}`);
      }
  return out;
}

/**
 * Same status, and the same JSON but for numbers that differ in their last bits (1e-12 relative): a
 * chart bucket's mean is a sum divided by a count, and the sum of the lake's readings and the store's
 * minute rows is added in another order than the store alone added it.
 */
function sameAnswer(after: string, before: string): boolean {
  const [sa, ...ra] = after.split(' ');
  const [sb, ...rb] = before.split(' ');
  if (sa !== sb) return false;
  const near = (x: unknown, y: unknown): boolean => {
    if (typeof x === 'number' && typeof y === 'number')
      return x === y || Math.abs(x - y) <= 1e-12 * Math.max(Math.abs(x), Math.abs(y));
    if (Array.isArray(x) && Array.isArray(y))
      return x.length === y.length && x.every((v, i) => near(v, y[i]));
    if (x && y && typeof x === 'object' && typeof y === 'object') {
      const kx = Object.keys(x);
      return kx.length === Object.keys(y).length && kx.every((k) => near((x as never)[k], (y as never)[k]));
    }
    return x === y;
  };
  try {
    return near(JSON.parse(ra.join(' ')), JSON.parse(rb.join(' ')));
  } catch {
    return false;
  }
}

let before: Map<string, string>;
let stored: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loadscope-retention-api-'));
  stored = await seed();
  before = await withApp(answers);
}, 300_000);
afterAll(async () => rm(dir, { recursive: true, force: true }));

it('answers every GET the same after a run started through the API moved the old readings', async () => {
  const run = await withApp(async (app, auth) => {
    const res = await app.http.inject({ method: 'POST', url: '/api/v1/retention/run', headers: auth });
    expect(res.statusCode, res.body).toBe(202);
    for (;;) {
      const s = (await app.http.inject({ method: 'GET', url: '/api/v1/retention', headers: auth })).json<{
        running: boolean;
        lastRun: { deleted: number; copied: number } | null;
        lakeBefore: number | null;
      }>();
      if (!s.running) return s;
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  const moved = (2 * (boundary - start)) / STEP;
  expect(run).toMatchObject({ lakeBefore: boundary, lastRun: { deleted: moved, copied: moved } });
  const left = await openStore(config()).then(async (s) => {
    try {
      return await s.readings.count();
    } finally {
      await s.close();
    }
  });
  expect(left).toBe(stored - moved);

  const after = await withApp(answers);
  expect([...after.keys()]).toEqual([...before.keys()]);
  const ok = [...before].filter(([, v]) => v.startsWith('200 '));
  // The routes that read raw readings answered, with data, across the boundary.
  for (const route of [
    '/explore?channels=ch-1,ch-2',
    '/explore/export.csv?channels=ch-1,ch-2',
    '/extent',
    '/energy?',
  ])
    expect(
      ok.some(([k, v]) => k.includes(route) && v.length > 60),
      route,
    ).toBe(true);
  expect(ok.length).toBeGreaterThan(40);
  let exact = 0;
  for (const [k, v] of before) {
    const a = after.get(k) as string;
    if (a === v) exact++;
    else expect(sameAnswer(a, v), `${k}\nafter:  ${a.slice(0, 300)}\nbefore: ${v.slice(0, 300)}`).toBe(true);
  }
  // Most answers are byte for byte the same; the others differ only in the last bits of means.
  expect(exact).toBeGreaterThan(before.size / 2);
}, 600_000);
