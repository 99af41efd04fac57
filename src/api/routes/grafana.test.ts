/** Grafana JSON data-source endpoints, called as Grafana does: POST with a bearer token. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { T0, type World, openWorld, worldServer } from '../test-world.ts';

describe('grafana data source', () => {
  let w: World;
  let app: FastifyInstance;
  const call = async <T>(method: 'GET' | 'POST', url: string, payload?: object) => {
    const res = await app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${w.a.token}` },
      ...(payload ? { payload } : {}),
    });
    return { status: res.statusCode, body: res.json<T>() };
  };
  const range = { from: new Date(T0).toISOString(), to: new Date(T0 + 600_000).toISOString() };
  beforeAll(async () => {
    w = await openWorld();
    await w.store.alerts.insertAlerts([
      {
        id: 'g1',
        rule: 'overshoot',
        channelId: w.a.channel.id,
        facilityId: w.a.facility.id,
        orgId: w.a.orgId,
        ts: T0 + 60_000,
        endTs: T0 + 120_000,
        value: 159,
        threshold: 150,
        severity: 'critical',
        state: 'open',
        message: 'mains above p97',
        createdAt: T0,
        updatedAt: T0,
      },
    ]);
    app = await worldServer(w);
  });
  afterAll(async () => {
    await app?.close();
    await w?.close();
  });

  it('answers the connection test only with a valid token', async () => {
    expect((await call('GET', '/api/grafana/')).status).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/grafana/' })).statusCode).toBe(401);
  });

  it('lists readable channels for /search', async () => {
    const { body } = await call<{ text: string; value: string }[]>('POST', '/api/grafana/search', {
      target: '',
    });
    expect(body.map((c) => c.value).sort()).toEqual([w.a.channel.id, w.shared.channel.id].sort());
    expect(body.find((c) => c.value === w.shared.channel.id)?.text).toBe('shared plant / mains');
    const filtered = await call<unknown[]>('POST', '/api/grafana/search', { target: 'SHARED' });
    expect(filtered.body).toHaveLength(1);
  });

  it('returns [value, ts] datapoints for /query, raw or downsampled to maxDataPoints', async () => {
    const raw = await call<{ target: string; refId: string; datapoints: [number, number][] }[]>(
      'POST',
      '/api/grafana/query',
      {
        range,
        targets: [{ target: w.a.channel.id, refId: 'A' }],
        maxDataPoints: 1000,
      },
    );
    expect(raw.body[0]!.refId).toBe('A');
    expect(raw.body[0]!.datapoints).toHaveLength(600);
    expect(raw.body[0]!.datapoints[0]).toEqual([100, T0]);
    const small = await call<{ datapoints: [number, number][] }[]>('POST', '/api/grafana/query', {
      range,
      targets: [{ target: w.a.channel.id, refId: 'A' }],
      maxDataPoints: 60,
    });
    expect(small.body[0]!.datapoints).toHaveLength(60);
    expect(small.body[0]!.datapoints[0]![0]).toBeCloseTo(104.5, 6); // mean of 100..109
    const foreign = await call('POST', '/api/grafana/query', {
      range,
      targets: [{ target: w.b.channel.id, refId: 'A' }],
    });
    expect(foreign.status).toBe(404);
    const bad = await call<{ message: string }>('POST', '/api/grafana/query', {
      range: { from: 'yesterday', to: range.to },
      targets: [],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain("field 'range.from'");
  });

  it('returns alerts as annotations', async () => {
    const { body } = await call<{ time: number; timeEnd: number; title: string; tags: string[] }[]>(
      'POST',
      '/api/grafana/annotations',
      {
        range,
        annotation: { name: 'alerts', query: '' },
      },
    );
    expect(body).toEqual([
      expect.objectContaining({
        time: T0 + 60_000,
        timeEnd: T0 + 120_000,
        isRegion: true,
        title: 'critical: overshoot',
        tags: ['critical', 'open', 'overshoot'],
      }),
    ]);
    const narrowed = await call<unknown[]>('POST', '/api/grafana/annotations', {
      range,
      annotation: { query: w.shared.facility.id },
    });
    expect(narrowed.body).toEqual([]);
  });
});
