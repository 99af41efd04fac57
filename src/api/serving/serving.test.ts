/**
 * The serving layer against both stores: answers follow a batch run and an incremental import at once
 * (no TTL to wait out), the live layer's latest values and alerts show at once, explore of a year is
 * served from hourly rollups with the readings' min, max and count, and no organisation ever sees
 * another's cached answers.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../batch/run-batch.ts';
import { channelBatch, seedFacility, steps } from '../../batch/test-support.ts';
import { loadConfig } from '../../config.ts';
import type { Alert } from '../../domain/types.ts';
import { STORE_FACTORIES, type TestStore } from '../../store/contract/factories.ts';
import type { Store } from '../../store/store.ts';
import { createApiToken } from '../accounts/service.ts';
import { buildServer } from '../server.ts';
import { createGenerations } from './generations.ts';
import { notifyingStore } from './notifying-store.ts';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** 2025-03-01 00:00 UTC: the readings start here; explore asks for the year before and after. */
const D0 = Date.UTC(2025, 2, 1);
const value = (t: number) => 200 + 100 * Math.sin(t / 3_000_000) + ((t / MIN) % 7);

interface Series {
  channelId: string;
  raw: boolean;
  bucketMs: number | null;
  ts: number[];
  min: number[];
  max: number[];
  mean: number[];
  count: number[];
}

describe.each(STORE_FACTORIES)('serving layer on $kind', (factory) => {
  let t: TestStore;
  let store: Store;
  let app: FastifyInstance;
  const tokens: Record<'a' | 'b', string> = { a: '', b: '' };
  const get = async (who: 'a' | 'b', url: string) => {
    const r = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens[who]}` } });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test reads the fields it checks
    return { status: r.statusCode, body: r.json<any>() };
  };
  const batch = async (full = false) =>
    runBatch({ rollups: store.rollups, changes: store.readings, now: Date.now }, { full });
  /** Writes 1-minute readings of a channel over [from, to), as an import does. */
  const load = async (channelId: string, from: number, to: number) => {
    const ts = steps(from, to, MIN);
    await store.readings.write(channelBatch(channelId, ts, ts.map(value)));
  };

  beforeAll(async () => {
    t = await factory.open();
    // As the composition root does: one store, wrapped once, for the batch, the imports and the API.
    const generations = createGenerations();
    store = notifyingStore(t.store, generations);
    for (const org of ['a', 'b'] as const) {
      await seedFacility(store, {
        facilityId: `fac-${org}`,
        timeZone: 'UTC',
        zip: '10001',
        channels: [{ id: `ch-${org}`, isMains: true }],
      });
      await store.catalog.upsertOrganisations([{ id: `org-${org}`, name: org, createdAt: 0 }]);
      const f = await store.catalog.getFacility(`fac-${org}`);
      await store.catalog.upsertFacilities([{ ...f!, orgId: `org-${org}` }]);
      tokens[org] = (
        await createApiToken(
          { store, now: Date.now },
          { orgId: `org-${org}`, name: org, role: 'viewer', createdBy: null },
        )
      ).token;
    }
    await load('ch-a', D0, D0 + 2 * DAY);
    await load('ch-b', D0, D0 + DAY);
    await batch(true);
    app = await buildServer({
      config: loadConfig({}, { LOADSCOPE_DUCKDB: ':memory:' }),
      store,
      generations,
      webDir: '/nonexistent',
      now: () => D0 + 2 * DAY + HOUR,
    });
  });
  afterAll(async () => {
    await app?.close();
    await t?.destroy();
  });

  const energy = `/api/v1/facilities/fac-a/energy?period=day&from=${D0}&to=${D0 + 10 * DAY}`;
  const zips = `/api/v1/zips?from=${D0}&to=${D0 + 10 * DAY}`;
  const year = `/api/v1/explore?channels=ch-a&from=${D0 - 180 * DAY}&to=${D0 + 185 * DAY}&width=1000`;
  const totalOf = (body: { totals: { current: number }[] }) => body.totals[0]?.current ?? 0;

  it('follows an incremental import and the batch run after it, at once', async () => {
    const e1 = await get('a', energy);
    const z1 = await get('a', zips);
    const x1 = await get('a', year);
    const ext1 = await get('a', '/api/v1/facilities/fac-a/extent');
    expect(e1.body.current.map((b: { label: string }) => b.label)).toEqual(['2025-03-01', '2025-03-02']);
    expect(z1.body).toHaveLength(1);
    expect(ext1.body.to).toBe(D0 + 2 * DAY - MIN);
    // A third day arrives (the batch has not run yet): explore and extent show it from the readings,
    // the rollup views do not have it yet.
    await load('ch-a', D0 + 2 * DAY, D0 + 3 * DAY);
    expect((await get('a', '/api/v1/facilities/fac-a/extent')).body.to).toBe(D0 + 3 * DAY - MIN);
    const x2 = (await get('a', year)).body.series[0] as Series;
    const before = (x1.body.series[0] as Series).count.reduce((s, n) => s + n, 0);
    expect(x2.count.reduce((s, n) => s + n, 0)).toBe(before + 1440);
    expect(totalOf((await get('a', energy)).body)).toBe(totalOf(e1.body));
    // The incremental batch commits: the day views, the zip view and explore follow at once.
    const run = await batch();
    expect(run.mode).toBe('incremental');
    const e3 = await get('a', energy);
    expect(e3.body.current.map((b: { label: string }) => b.label)).toEqual([
      '2025-03-01',
      '2025-03-02',
      '2025-03-03',
    ]);
    // What the store answers now, uncached: day 3, and day 2 whose last reading day 3 now closes.
    const fresh = await t.store.rollups.listRollups({
      level: 'facility',
      period: 'day',
      facilityId: 'fac-a',
      from: D0,
      to: D0 + 10 * DAY,
    });
    const freshTotal = fresh.reduce((sum, r) => sum + r.energy, 0);
    expect(e3.body.current.map((b: { energy: number }) => b.energy)).toEqual(fresh.map((r) => r.energy));
    expect(totalOf(e3.body)).toBeCloseTo(freshTotal, 9);
    expect(totalOf(e3.body)).toBeGreaterThan(totalOf(e1.body) + 1000);
    const z3 = await get('a', zips);
    expect(z3.body[0].energy).toBeCloseTo(freshTotal, 9);
    expect(z3.body[0].energy).toBeGreaterThan(z1.body[0].energy + 1000);
    const x3 = (await get('a', year)).body.series[0] as Series;
    expect(x3.count).toEqual(x2.count);
    expect(x3.min).toEqual(x2.min);
    expect(x3.max).toEqual(x2.max);
  });

  it('serves a year of one channel from hourly rollups with the readings min, max and count', async () => {
    const s = (await get('a', year)).body.series[0] as Series;
    expect(s.raw).toBe(false);
    expect(s.bucketMs).toBe(9 * HOUR);
    // The same grid downsampled from the readings: min, max and count agree exactly.
    const start = Math.floor((D0 - 180 * DAY) / HOUR) * HOUR;
    const buckets = Math.ceil((D0 + 185 * DAY - start) / HOUR / 9);
    const raw = await store.readings.downsample('ch-a', start, start + buckets * 9 * HOUR, buckets);
    expect(s.ts).toEqual(Array.from(raw.ts));
    expect(s.count).toEqual(Array.from(raw.count));
    expect(s.min).toEqual(Array.from(raw.min));
    expect(s.max).toEqual(Array.from(raw.max));
    // The mean is time-weighted (energy over covered time): with readings every minute it is the
    // readings' mean, but for the last reading, which no next one closes.
    const last = D0 + 3 * DAY - MIN;
    s.ts.forEach((b, i) => {
      const ts = steps(Math.max(b, D0), Math.min(b + 9 * HOUR, last), MIN);
      const expected = ts.reduce((sum, x) => sum + value(x), 0) / ts.length;
      expect(s.mean[i]).toBeCloseTo(expected, 9);
    });
    // One hour asks for raw points, which the readings give as before.
    const hour = await get('a', `/api/v1/explore?channels=ch-a&from=${D0}&to=${D0 + HOUR}`);
    expect(hour.body.series[0].raw).toBe(true);
    expect(hour.body.series[0].value).toHaveLength(60);
  });

  it('shows the live layer latest values and new alerts at once', async () => {
    const summary = async () =>
      (await get('a', '/api/v1/facilities/fac-a/summary')).body as {
        openAlerts: number;
        latestPower: number;
      };
    expect((await summary()).openAlerts).toBe(0);
    await store.live.upsertLatest([{ channelId: 'ch-a', ts: D0 + 3 * DAY, value: 1234 }]);
    expect((await summary()).latestPower).toBe(1234);
    await store.live.upsertLatest([{ channelId: 'ch-a', ts: D0 + 3 * DAY + 1000, value: 987 }]);
    expect((await summary()).latestPower).toBe(987);
    const alert: Alert = {
      id: 'al-1',
      rule: 'overshoot',
      channelId: 'ch-a',
      facilityId: 'fac-a',
      orgId: 'org-a',
      ts: D0 + 3 * DAY,
      endTs: null,
      value: 5000,
      threshold: 4000,
      unit: 'W',
      severity: 'warning',
      state: 'open',
      message: 'over',
      createdAt: D0,
      updatedAt: D0,
    };
    await store.alerts.insertAlerts([alert]);
    expect((await summary()).openAlerts).toBe(1);
    await store.alerts.updateAlert('al-1', { state: 'closed', updatedAt: D0 + 1 });
    expect((await summary()).openAlerts).toBe(0);
  });

  it('never answers one organisation from another one cached answers', async () => {
    // a's answers are cached now; b asks the same URLs and for a's objects.
    await get('a', zips);
    await get('a', year);
    await get('a', '/api/v1/facilities/fac-a/summary');
    const bZips = (await get('b', zips)).body as { zip: string; energy: number; facilities: number }[];
    expect(bZips).toHaveLength(1);
    expect(bZips[0]!.facilities).toBe(1);
    const bDay = (await get('b', `/api/v1/facilities/fac-b/energy?period=day&from=${D0}&to=${D0 + 10 * DAY}`))
      .body;
    expect(bZips[0]!.energy).toBeCloseTo(totalOf(bDay), 6);
    expect((await get('b', year)).status).toBe(404);
    expect((await get('b', '/api/v1/facilities/fac-a/summary')).status).toBe(404);
    expect((await get('b', '/api/v1/facilities/fac-a/extent')).status).toBe(404);
    expect((await get('b', energy)).status).toBe(404);
    // And the other way round, after b's answers are cached.
    const aZips = (await get('a', zips)).body as { energy: number; facilities: number }[];
    expect(aZips[0]!.facilities).toBe(1);
    expect(aZips[0]!.energy).toBeCloseTo(totalOf((await get('a', energy)).body), 6);
    expect((await get('a', `/api/v1/explore?channels=ch-b&from=${D0}&to=${D0 + DAY}`)).status).toBe(404);
  });
});
