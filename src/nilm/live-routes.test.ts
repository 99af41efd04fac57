/**
 * The live NILM route over the API test world: a running live NILM service with a stored shared model
 * gets mains readings of every facility; each caller sees the breakdown of its own and shared
 * facilities only, and 404 where there is none.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorld, powerBatch, T0, worldServer, type World } from '../api/test-world.ts';
import { type LiveNilmService, startLiveNilm } from '../realtime/live-nilm.ts';
import { liveNilmRoutes } from './live-routes.ts';
import { METHODS } from './methods/registry.ts';
import { syntheticHouse } from './testing/synthetic-house.ts';

describe('GET /api/v1/facilities/:facilityId/nilm/live', () => {
  let w: World;
  let app: FastifyInstance;
  let svc: LiveNilmService;
  const auth = () => ({ authorization: `Bearer ${w.a.token}` });
  const get = (facilityId: string, headers: Record<string, string> = auth()) =>
    app.inject({ method: 'GET', url: `/api/v1/facilities/${facilityId}/nilm/live`, headers });

  beforeAll(async () => {
    w = await openWorld();
    const model = METHODS.eventsig.train([syntheticHouse({ seed: 1, days: 2 })], ['kettle', 'microwave']);
    await w.store.nilm.saveModel({
      id: 'shared-live',
      facilityId: null,
      method: 'eventsig',
      trainedOn: 'synthetic',
      trainedAt: T0,
      model,
    });
    svc = await startLiveNilm({ store: w.store, now: () => T0, train: false, refreshMs: 0 });
    app = await worldServer(w, { plugins: [liveNilmRoutes({ live: svc })] });
  }, 120_000);
  afterAll(async () => {
    await svc?.stop();
    await app?.close();
    await w?.close();
  });

  it('answers 204, no content, before any mains reading came (a state, not a missing resource)', async () => {
    const res = await get(w.a.facility.id);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
  });

  it("answers the breakdown of the caller's own and shared facilities, 404 for a foreign one", async () => {
    // Two minutes of 1 s mains for every facility: the 30 s model closes three periods.
    for (const c of [w.a.channel.id, w.b.channel.id, w.shared.channel.id])
      svc.offer(powerBatch(c, T0, 120, 1000));
    expect(svc.latest(w.b.facility.id)).toBeDefined();

    const own = await get(w.a.facility.id);
    expect(own.statusCode).toBe(200);
    const body = own.json<{
      ts: number;
      periodMs: number;
      mains: number;
      appliances: Record<string, number>;
      residual: number;
      model: { id: string; method: string };
    }>();
    expect(body.ts).toBe(Math.floor((T0 + 119_000) / 30_000) * 30_000 - 30_000);
    expect(body.periodMs).toBe(30_000);
    expect(body.model).toEqual({ id: 'shared-live', method: 'eventsig' });
    expect(Object.keys(body.appliances).sort()).toEqual(['kettle', 'microwave']);
    const sum = Object.values(body.appliances).reduce((s, v) => s + v, 0);
    expect(body.residual).toBeCloseTo(body.mains - sum, 9);
    expect(body.mains).toBeGreaterThan(100);
    expect(body.mains).toBeLessThan(160);

    expect((await get(w.shared.facility.id)).statusCode).toBe(200);
    const foreign = await get(w.b.facility.id);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.body).not.toContain('appliances');
    expect((await get('no-such-facility')).statusCode).toBe(404);
  });

  it('answers 401 to anonymous callers', async () => {
    expect((await get(w.a.facility.id, {})).statusCode).toBe(401);
  });
});
