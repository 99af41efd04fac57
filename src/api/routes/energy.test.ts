/** Energy views over real rollups: day/week/month with the previous period, heat map, breakdown, zips. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../domain/types.ts';
import { type World, login, openWorld, powerBatch, worldServer } from '../test-world.ts';

/** Local midnight in Berlin of a 2024 March/April date (CET until 31 March, CEST from 1 April). */
const berlin = (date: string) =>
  Date.parse(`${date}T00:00:00Z`) - (date < '2024-04-01' ? 3_600_000 : 7_200_000);

describe('energy routes', () => {
  let w: World;
  let app: FastifyInstance;
  let cookie: string;
  const get = async <T>(url: string) => {
    const res = await app.inject({ method: 'GET', url, headers: { cookie } });
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res.json<T>();
  };
  beforeAll(async () => {
    w = await openWorld();
    const s = w.store;
    await s.catalog.upsertFacilities([{ ...w.a.facility, id: 'fe', name: 'energy house' }]);
    await s.catalog.upsertMeters([{ ...w.a.meter, id: 'fe-m', facilityId: 'fe' }]);
    const ch = (id: string, isMains: boolean): Channel => ({
      ...w.a.channel,
      id,
      meterId: 'fe-m',
      name: id,
      isMains,
      appliance: isMains ? null : 'fridge',
      intervalMs: 60_000,
    });
    await s.catalog.upsertChannels([ch('fe-mains', true), ch('fe-fridge', false)]);
    const t0 = berlin('2024-03-25');
    const n = (berlin('2024-04-10') - t0) / 60_000;
    const mains = powerBatch('fe-mains', t0, n, 60_000);
    mains.value.fill(1000);
    const fridge = powerBatch('fe-fridge', t0, n, 60_000);
    fridge.value.fill(100);
    await s.readings.write(mains);
    await s.readings.write(fridge);
    await s.rollups.recompute('all');
    app = await worldServer(w);
    cookie = (await login(app, w.a.users.viewer.email)).cookie;
  });
  afterAll(async () => {
    await app?.close();
    await w?.close();
  });

  type Energy = {
    current: { label: string; energy: number }[];
    previous: { label: string; energy: number }[];
    totals: { unit: string; current: number; previous: number; change: number | null }[];
  };

  it('gives daily energy with the previous span, daylight saving included', async () => {
    const e = await get<Energy>(
      `/api/v1/facilities/fe/energy?period=day&from=${berlin('2024-04-01')}&to=${berlin('2024-04-08')}`,
    );
    expect(e.current.map((d) => d.label)).toEqual([
      '2024-04-01',
      '2024-04-02',
      '2024-04-03',
      '2024-04-04',
      '2024-04-05',
      '2024-04-06',
      '2024-04-07',
    ]);
    for (const d of e.current) expect(d.energy).toBeCloseTo(24_000, 6);
    const sunday = e.previous.find((d) => d.label === '2024-03-31');
    expect(sunday?.energy).toBeCloseTo(23_000, 6); // the 23-hour day
    expect(e.totals).toHaveLength(1);
    expect(e.totals[0]!.unit).toBe('Wh');
    expect(e.totals[0]!.current).toBeCloseTo(168_000, 6);
    expect(e.totals[0]!.previous).toBeCloseTo(167_000, 6);
    expect(e.totals[0]!.change).toBeCloseTo(1 / 167, 6);
  });

  it('takes local dates (ISO 8601) in the facility zone, the same as UTC milliseconds', async () => {
    const byMs = await get<Energy>(
      `/api/v1/facilities/fe/energy?period=day&from=${berlin('2024-04-01')}&to=${berlin('2024-04-08')}`,
    );
    const byDate = await get<Energy>('/api/v1/facilities/fe/energy?period=day&from=2024-04-01&to=2024-04-08');
    expect(byDate).toEqual(byMs);
    const byIso = await get<Energy>(
      '/api/v1/facilities/fe/energy?from=2024-03-31T22:00:00Z&to=2024-04-08T00:00:00%2B02:00',
    );
    expect(byIso).toEqual(byMs);
  });

  it('defaults to the last 30 local days up to now when from and to are left out', async () => {
    const app2 = await worldServer(w, { now: () => berlin('2024-04-08') + 3_600_000 });
    try {
      const c = (await login(app2, w.a.users.viewer.email)).cookie;
      const res = await app2.inject({
        method: 'GET',
        url: '/api/v1/facilities/fe/energy',
        headers: { cookie: c },
      });
      expect(res.statusCode, res.body).toBe(200);
      const e = res.json<Energy>();
      // Local days 2024-03-10 to 2024-04-08 (today); the data starts on 2024-03-25.
      expect(e.current.map((d) => d.label)[0]).toBe('2024-03-25');
      expect(e.current.at(-1)?.label).toBe('2024-04-08');
      expect(e.totals[0]!.current).toBeCloseTo(15 * 24_000 - 1000, 6);
    } finally {
      await app2.close();
    }
  });

  it('groups into ISO weeks and months', async () => {
    const weeks = await get<Energy>(
      `/api/v1/facilities/fe/energy?period=week&from=${berlin('2024-03-25')}&to=${berlin('2024-04-08')}`,
    );
    expect(weeks.current.map((d) => [d.label, Math.round(d.energy)])).toEqual([
      ['2024-03-25', 167_000],
      ['2024-04-01', 168_000],
    ]);
    const months = await get<Energy>(
      `/api/v1/facilities/fe/energy?period=month&from=${berlin('2024-03-25')}&to=${berlin('2024-04-08')}`,
    );
    expect(months.current.map((d) => [d.label, Math.round(d.energy)])).toEqual([
      ['2024-03', 167_000],
      ['2024-04', 168_000],
    ]);
  });

  it('builds the hour-by-day heat map with the skipped hour empty', async () => {
    const h = await get<{ days: string[]; energy: (number | null)[][]; max: number }>(
      `/api/v1/facilities/fe/heatmap?from=${berlin('2024-03-31')}&to=${berlin('2024-04-02')}`,
    );
    expect(h.days).toEqual(['2024-03-31', '2024-04-01']);
    expect(h.energy[0]![2]).toBeNull();
    expect(h.energy[0]![3]).toBeCloseTo(1000, 6);
    expect(h.energy[1]!.every((v) => v !== null && Math.abs(v - 1000) < 1e-6)).toBe(true);
    expect(h.max).toBeCloseTo(1000, 6);
  });

  it('breaks energy down per channel and serves rollup rows', async () => {
    const b = await get<{ channelId: string; isMains: boolean; energy: number }[]>(
      `/api/v1/facilities/fe/breakdown?from=${berlin('2024-04-01')}&to=${berlin('2024-04-08')}`,
    );
    const by = Object.fromEntries(b.map((r) => [r.channelId, r]));
    expect(by['fe-mains']).toMatchObject({ isMains: true });
    expect(by['fe-mains']!.energy).toBeCloseTo(168_000, 6);
    expect(by['fe-fridge']!.energy).toBeCloseTo(16_800, 6);
    const rows = await get<{ label: string; energy: number }[]>(
      `/api/v1/rollups?level=channel&key=fe-fridge&period=day&from=${berlin('2024-04-01')}&to=${berlin('2024-04-03')}`,
    );
    expect(rows.map((r) => [r.label, Math.round(r.energy)])).toEqual([
      ['2024-04-01', 2400],
      ['2024-04-02', 2400],
    ]);
    const meter = await get<unknown[]>(
      `/api/v1/rollups?level=meter&key=fe-m&period=hour&from=${berlin('2024-04-01')}&to=${berlin('2024-04-02')}`,
    );
    expect(meter).toHaveLength(24);
  });

  it('sums energy per zip code over readable facilities', async () => {
    const z = await get<{ zip: string; unit: string; facilities: number; energy: number; days: unknown[] }[]>(
      `/api/v1/zips?from=${berlin('2024-04-01')}&to=${berlin('2024-04-08')}`,
    );
    expect(z).toHaveLength(1);
    expect(z[0]).toMatchObject({ zip: '10115', unit: 'Wh', facilities: 1 });
    expect(z[0]!.energy).toBeCloseTo(168_000, 6);
    expect(z[0]!.days).toHaveLength(7);
  });

  it('rejects reversed and too long ranges', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/v1/facilities/fe/heatmap?from=10&to=5`,
      headers: { cookie },
    });
    expect(res.statusCode).toBe(400);
    const long = await app.inject({
      method: 'GET',
      url: `/api/v1/zips?from=0&to=${500 * 86_400_000}`,
      headers: { cookie },
    });
    expect(long.json<{ message: string }>().message).toContain('at most 400 days');
  });
});
