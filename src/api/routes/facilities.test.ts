/** Facility list (search, filters, live figures, scores) and the facility dashboard summary. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../domain/types.ts';
import { T0, type World, login, openWorld, worldServer } from '../test-world.ts';

type Item = {
  id: string;
  access: string;
  latestPower: number | null;
  today: { unit: string; energy: number }[];
  openAlerts: number;
  score: number | null;
};

describe('facility routes', () => {
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
    await s.catalog.upsertFacilities([
      {
        ...w.a.facility,
        id: 'shop',
        name: 'Corner shop',
        kind: 'commercial',
        zip: '20095',
        tags: ['retail'],
      },
    ]);
    await s.live.upsertLatest([
      { channelId: w.a.channel.id, ts: T0 + 599_500, value: 1234.5 },
      { channelId: w.b.channel.id, ts: T0 + 599_500, value: 999 },
    ]);
    const alert = (id: string, facilityId: string, orgId: string, state: Alert['state']): Alert => ({
      id,
      rule: 'overshoot',
      channelId: w.a.channel.id,
      facilityId,
      orgId,
      ts: T0,
      endTs: null,
      value: 5000,
      threshold: 3000,
      unit: 'W',
      severity: 'warning',
      state,
      message: 'above p97',
      createdAt: T0,
      updatedAt: T0,
    });
    await s.alerts.insertAlerts([
      alert('al1', w.a.facility.id, w.a.orgId, 'open'),
      alert('al2', w.a.facility.id, w.a.orgId, 'open'),
      alert('al3', 'shop', w.a.orgId, 'closed'),
    ]);
    const score = (facilityId: string, value: number) => ({
      facilityId,
      product: 'load-shape',
      version: '1',
      jobId: null,
      score: value,
      label: value > 50 ? 'high' : 'low',
      explanation: 'test',
      evidence: { figures: {}, series: [] },
      params: {},
      computedAt: T0,
    });
    await s.scores.saveScores([score(w.a.facility.id, 80), score('shop', 20)]);
    app = await worldServer(w, { now: () => T0 + 600_000 });
    cookie = (await login(app, w.a.users.viewer.email)).cookie;
  });
  afterAll(async () => {
    await app?.close();
    await w?.close();
  });

  it('lists own and shared facilities with access, latest power, energy today and open alerts', async () => {
    const list = await get<Item[]>('/api/v1/facilities');
    expect(list.map((f) => [f.id, f.access])).toEqual([
      ['fac-a', 'read'], // named ' plant a': sorted by name
      ['shop', 'read'],
      ['shared-fac', 'read'],
    ]);
    const own = list.find((f) => f.id === 'fac-a')!;
    expect(own.latestPower).toBe(1234.5);
    expect(own.openAlerts).toBe(2);
    // 600 one-second samples of 100..159 W on 2023-11-14 (Berlin): the day's rollup so far.
    const [day] = await w.store.rollups.listRollups({
      level: 'facility',
      period: 'day',
      facilityId: 'fac-a',
    });
    expect(day!.label).toBe('2023-11-14');
    expect(own.today).toEqual([{ unit: 'Wh', energy: day!.energy }]);
    expect(day!.energy).toBeGreaterThan(20);
    expect(list.find((f) => f.id === 'shop')).toMatchObject({ latestPower: null, openAlerts: 0, today: [] });
  });

  it('filters by search, kind, zip, tag, open alerts and score', async () => {
    const ids = async (q: string) => (await get<Item[]>(`/api/v1/facilities?${q}`)).map((f) => f.id);
    expect(await ids('q=corner')).toEqual(['shop']);
    expect(await ids('kind=commercial')).toEqual(['shop']);
    expect(await ids('zip=10115')).toEqual(['fac-a']);
    expect(await ids('tag=retail')).toEqual(['shop']);
    expect(await ids('openAlerts=true')).toEqual(['fac-a']);
    expect(await ids('openAlerts=false')).toEqual(['shop', 'shared-fac']);
    expect(await ids('product=load-shape&minScore=50')).toEqual(['fac-a']);
    expect(await ids('product=load-shape&maxScore=50')).toEqual(['shop']);
    const scored = await get<Item[]>('/api/v1/facilities?product=load-shape');
    expect(scored.map((f) => f.score)).toEqual([80, 20, null]);
    const res = await app.inject({
      method: 'GET',
      url: '/api/v1/facilities?minScore=3',
      headers: { cookie },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ message: string }>().message).toContain("field 'product'");
  });

  it("gives a facility dashboard's summary with per-channel latest values", async () => {
    const s = await get<{
      latestPower: number;
      openAlerts: number;
      channels: { channelId: string; value: number | null }[];
    }>(`/api/v1/facilities/${w.a.facility.id}/summary`);
    expect(s).toMatchObject({ latestPower: 1234.5, latestPowerDerived: false, openAlerts: 2 });
    expect(s.channels).toEqual([
      { channelId: w.a.channel.id, name: 'mains', isMains: true, unit: 'W', ts: T0 + 599_500, value: 1234.5 },
    ]);
    const detail = await get<{ facility: { access: string }; meters: unknown[]; channels: unknown[] }>(
      `/api/v1/facilities/${w.a.facility.id}`,
    );
    expect(detail.facility.access).toBe('read');
    expect(detail.meters).toHaveLength(1);
    expect(detail.channels).toHaveLength(1);
  });
});
