/** Any range of local days with its comparison, over real rollups in a Berlin facility. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../domain/types.ts';
import { type World, login, openWorld, powerBatch, worldServer } from '../test-world.ts';

/** Local midnight in Berlin of a 2024 March/April date (CET until 31 March, CEST from 1 April). */
const berlin = (date: string) =>
  Date.parse(`${date}T00:00:00Z`) - (date < '2024-04-01' ? 3_600_000 : 7_200_000);

type RangeAnswer = {
  timeZone: string;
  resolution: string;
  range: { from: string; to: string; start: number; end: number };
  comparison: { from: string; to: string; start: number; end: number } | null;
  days: { label: string; unit: string; energy: number }[];
  totals: {
    unit: string;
    current: number;
    comparison: number | null;
    delta: number | null;
    percent: number | null;
  }[];
};

describe('GET /facilities/:id/range', () => {
  let w: World;
  let app: FastifyInstance;
  let cookie: string;
  const send = (url: string) => app.inject({ method: 'GET', url, headers: { cookie } });
  const get = async (q: string) => {
    const res = await send(`/api/v1/facilities/fr/range?${q}`);
    if (res.statusCode !== 200) throw new Error(`${q}: ${res.statusCode} ${res.body}`);
    return res.json<RangeAnswer>();
  };
  beforeAll(async () => {
    w = await openWorld();
    const s = w.store;
    await s.catalog.upsertFacilities([
      { ...w.a.facility, id: 'fr', name: 'range house', timeZone: 'Europe/Berlin' },
    ]);
    await s.catalog.upsertMeters([{ ...w.a.meter, id: 'fr-m', facilityId: 'fr' }]);
    const mains: Channel = { ...w.a.channel, id: 'fr-mains', meterId: 'fr-m', name: 'mains', isMains: true };
    await s.catalog.upsertChannels([{ ...mains, appliance: null, intervalMs: 60_000 }]);
    const t0 = berlin('2024-03-25');
    const batch = powerBatch('fr-mains', t0, (berlin('2024-04-10') - t0) / 60_000, 60_000);
    batch.value.fill(1000);
    await s.readings.write(batch);
    await s.rollups.recompute('all');
    app = await worldServer(w);
    cookie = (await login(app, w.a.users.viewer.email)).cookie;
  });
  afterAll(async () => {
    await app?.close();
    await w?.close();
  });

  it('answers a week against the week before, with the delta in Wh and %', async () => {
    const r = await get('from=2024-04-01&to=2024-04-07&cmp=prev');
    expect(r.timeZone).toBe('Europe/Berlin');
    expect(r.resolution).toBe('hour');
    expect(r.range).toEqual({
      from: '2024-04-01',
      to: '2024-04-07',
      start: berlin('2024-04-01'),
      end: berlin('2024-04-08'),
    });
    expect(r.comparison).toMatchObject({ from: '2024-03-25', to: '2024-03-31' });
    expect(r.days.map((d) => d.label)).toHaveLength(7);
    const t = r.totals.find((x) => x.unit === 'Wh')!;
    expect(t.current).toBeCloseTo(168_000, 6);
    expect(t.comparison).toBeCloseTo(167_000, 6); // the week holding the 23-hour day
    expect(t.delta).toBeCloseTo(1000, 6);
    expect(t.percent).toBeCloseTo(100 / 167, 6);
  });

  it('spans 23 hours on the day clocks go forward, read at minutes', async () => {
    const r = await get('from=2024-03-31&to=2024-03-31');
    expect(r.resolution).toBe('minute');
    expect(r.range.end - r.range.start).toBe(23 * 3_600_000);
    expect(r.days).toEqual([
      { label: '2024-03-31', unit: 'Wh', energy: expect.closeTo(23_000, 6) as number },
    ]);
    expect(r.comparison).toBeNull();
    expect(r.totals[0]!.percent).toBeNull();
  });

  it('compares with the same dates a year earlier (no data then: no percentage)', async () => {
    const r = await get('from=2024-04-01&to=2024-04-07&cmp=year');
    expect(r.comparison).toMatchObject({ from: '2023-04-01', to: '2023-04-07' });
    expect(r.totals[0]).toMatchObject({ comparison: 0, percent: null });
  });

  it('answers 400 naming the field', async () => {
    for (const [q, field] of [
      ['from=2024-04-08&to=2024-04-01', 'to'],
      ['from=2024-02-30&to=2024-04-01', 'from'],
      ['from=2024-04-01&to=2024-04-07&cmp=week', 'cmp'],
    ] as const) {
      const res = await send(`/api/v1/facilities/fr/range?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.json<{ message: string }>().message, q).toContain(field);
    }
  });
});
