/**
 * The cost routes in-process: admins load tariff files (a bad one is refused naming the file and the
 * field), the organisation's meters are repriced at once, and the costs of a Berlin facility over the
 * spring clock change (31 March 2024, 23 hours) read as worked out by hand; other organisations'
 * facilities stay hidden.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../domain/types.ts';
import {
  type BrowserSession,
  type World,
  login,
  openWorld,
  powerBatch,
  worldServer,
} from '../api/test-world.ts';
import { sumByZip } from './routes.ts';

/** Local midnight in Berlin (CET, +01:00, up to and including 31 March 2024; CEST, +02:00, after). */
const berlin = (date: string) =>
  Date.parse(`${date}T00:00:00Z`) - (date <= '2024-03-31' ? 3_600_000 : 7_200_000);

const TARIFF = `
tariffs:
  - name: Berlin flat
    commodity: electricity
    currency: EUR
    validFrom: 2024-01-01
    standingPerDay: 1
    energy: { kind: flat, rate: 0.3 }
    region: DE
    default: true
`;

describe('cost routes', () => {
  let w: World;
  let app: FastifyInstance;
  let admin: BrowserSession;
  let viewer: BrowserSession;
  const call = (method: 'GET' | 'POST', url: string, who: BrowserSession, payload?: object) =>
    app.inject({
      method,
      url,
      headers: { cookie: who.cookie, 'x-csrf-token': who.csrf },
      ...(payload === undefined ? {} : { payload }),
    });

  beforeAll(async () => {
    w = await openWorld();
    const s = w.store;
    await s.catalog.upsertFacilities([{ ...w.a.facility, id: 'fc', name: 'cost house' }]);
    await s.catalog.upsertMeters([{ ...w.a.meter, id: 'fc-m', facilityId: 'fc' }]);
    const mains: Channel = { ...w.a.channel, id: 'fc-mains', meterId: 'fc-m', intervalMs: 60_000 };
    await s.catalog.upsertChannels([mains]);
    // 1 kW from local midnight 30 March to local midnight 1 April: 24 h + 23 h.
    const t0 = berlin('2024-03-30');
    const batch = powerBatch('fc-mains', t0, (berlin('2024-04-01') - t0) / 60_000 + 1, 60_000);
    batch.value.fill(1000);
    await s.readings.write(batch);
    await s.rollups.recompute('all');
    app = await worldServer(w);
    admin = await login(app, w.a.users.admin.email);
    viewer = await login(app, w.a.users.viewer.email);
  });
  afterAll(async () => {
    await app?.close();
    await w?.close();
  });

  it('lets admins only load prices, and refuses a bad file naming it and the field', async () => {
    const files = [{ name: 'prices.yaml', text: TARIFF }];
    expect((await call('POST', '/api/v1/tariffs', viewer, { files })).statusCode).toBe(403);
    const bad = await call('POST', '/api/v1/tariffs', admin, {
      files: [{ name: 'prices.yaml', text: TARIFF.replace('rate: 0.3', 'rate: "cheap"') }],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ message: string }>().message).toMatch(
      /prices\.yaml, field 'tariffs\[0\]\.energy\.rate'/,
    );
    const badCsv = await call('POST', '/api/v1/tariffs', admin, {
      files: [{ name: 'grid.csv', text: 'region,month,hour,g_per_kwh\nDE,*,25,300\n' }],
    });
    expect(badCsv.json<{ message: string }>().message).toMatch(/grid\.csv:2, field 'hour'/);
    expect((await call('GET', '/api/v1/tariffs', viewer)).json()).toEqual({ tariffs: [], regions: [] });
  });

  it('loads a tariff and a profile, reprices, and serves the 23-hour day at 23 x 0.30 + 1 = EUR 7.90', async () => {
    const csv =
      'region,month,hour,g_per_kwh\n' + Array.from({ length: 24 }, (_, h) => `DE,*,${h},400`).join('\n');
    const res = await call('POST', '/api/v1/tariffs', admin, {
      files: [
        { name: 'prices.yaml', text: TARIFF },
        { name: 'grid.csv', text: csv },
      ],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ tariffs: 1, intensity: 24, meters: 1 });
    const list = (await call('GET', '/api/v1/tariffs', viewer)).json<{
      tariffs: { name: string; energy: string }[];
      regions: string[];
    }>();
    expect(list.tariffs.map((t) => `${t.name}: ${t.energy}`)).toEqual(['Berlin flat: 0.3/kWh']);
    expect(list.regions).toEqual(['DE']);

    const q = `from=${berlin('2024-03-30')}&to=${berlin('2024-04-01')}`;
    const days = (await call('GET', `/api/v1/costs?level=facility&key=fc&period=day&${q}`, viewer)).json<
      { label: string; energy: number; cost: number; co2: number; currency: string }[]
    >();
    expect(days.map((d) => d.label)).toEqual(['2024-03-30', '2024-03-31']);
    expect(days[0]!.cost).toBeCloseTo(24 * 0.3 + 1, 6); // 8.20
    expect(days[1]!.energy).toBeCloseTo(23, 6);
    expect(days[1]!.cost).toBeCloseTo(7.9, 6);
    expect(days[1]!.co2).toBeCloseTo(23 * 0.4, 6); // 9.2 kg
    expect(days[1]!.currency).toBe('EUR');
    const month = (
      await call(
        'GET',
        `/api/v1/costs?level=meter&key=fc-m&period=month&from=${berlin('2024-03-01')}&to=${berlin('2024-04-01')}`,
        viewer,
      )
    ).json<{ cost: number }[]>();
    expect(month[0]!.cost).toBeCloseTo(8.2 + 7.9, 6);
    const fleet = (
      await call(
        'GET',
        `/api/v1/costs/fleet?period=month&from=${berlin('2024-03-01')}&to=${berlin('2024-04-01')}`,
        viewer,
      )
    ).json<{ key: string }[]>();
    expect(fleet.map((r) => r.key)).toEqual(['fc']);
    const zips = (
      await call(
        'GET',
        `/api/v1/costs/zips?period=month&from=${berlin('2024-03-01')}&to=${berlin('2024-04-01')}`,
        viewer,
      )
    ).json<{ level: string; key: string; cost: number; meters: number }[]>();
    expect(zips).toHaveLength(1);
    expect(zips[0]).toMatchObject({ level: 'zip', key: w.a.facility.zip, meters: 1 });
    expect(zips[0]!.cost).toBeCloseTo(8.2 + 7.9, 6);
  });

  it('sums facilities into zip codes, keeping commodities and currencies apart', () => {
    const row = (key: string, commodity: 'electricity' | 'gas', cost: number, co2: number | null) => ({
      level: 'facility' as const,
      key,
      commodity,
      period: 'day' as const,
      start: 0,
      label: '1970-01-01',
      currency: 'USD',
      unit: commodity === 'gas' ? 'therm' : 'Wh',
      energy: 10,
      energyCost: cost,
      standing: 0,
      demand: 0,
      cost,
      co2,
      meters: 1,
    });
    const zipOf = new Map([
      ['f1', '10001'],
      ['f2', '10001'],
      ['f3', '10002'],
    ]);
    const out = sumByZip(
      [
        row('f1', 'electricity', 1, 2),
        row('f2', 'electricity', 3, null),
        row('f2', 'gas', 5, 1),
        row('f3', 'electricity', 7, 4),
        row('f4', 'electricity', 9, 9),
      ],
      zipOf,
    );
    expect(out.map((r) => [r.key, r.commodity, r.cost, r.co2, r.meters, r.energy])).toEqual([
      ['10001', 'electricity', 4, 2, 2, 20],
      ['10001', 'gas', 5, 1, 1, 10],
      ['10002', 'electricity', 7, 4, 1, 10],
    ]);
  });

  it("hides another organisation's facility and meter", async () => {
    const q = `period=day&from=${berlin('2024-03-30')}&to=${berlin('2024-04-01')}`;
    expect(
      (await call('GET', `/api/v1/costs?level=facility&key=${w.b.facility.id}&${q}`, viewer)).statusCode,
    ).toBe(404);
    expect((await call('GET', `/api/v1/costs?level=meter&key=${w.b.meter.id}&${q}`, viewer)).statusCode).toBe(
      404,
    );
    expect((await call('GET', `/api/v1/costs?level=street&key=x&${q}`, viewer)).statusCode).toBe(400);
  });
});
