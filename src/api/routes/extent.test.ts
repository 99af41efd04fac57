/** Where a facility's readings are: per channel and overall, for own and shared facilities only. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { electricityMeter, powerMains } from '../../store/contract/fixtures.ts';
import { T0, type World, login, openWorld, powerBatch, worldServer } from '../test-world.ts';

const YEAR_AGO = T0 - 365 * 86_400_000;

describe('GET /facilities/:facilityId/extent', () => {
  let w: World;
  let app: FastifyInstance;
  let cookie: string;
  const get = async (url: string) => app.inject({ method: 'GET', url, headers: { cookie } });

  beforeAll(async () => {
    w = await openWorld();
    // A second channel of a's facility holding a day imported from a year before, and one without readings.
    const m = electricityMeter('met-imported', w.a.facility.id);
    await w.store.catalog.upsertMeters([m]);
    await w.store.catalog.upsertChannels([
      { ...powerMains('ch-imported', m.id), isMains: false },
      { ...powerMains('ch-empty', m.id), isMains: false },
    ]);
    await w.store.readings.write(powerBatch('ch-imported', YEAR_AGO, 24, 3_600_000));
    app = await worldServer(w);
    ({ cookie } = await login(app, w.a.users.analyst.email));
  });
  afterAll(async () => {
    await app?.close();
    await w?.close();
  });

  it('answers the first and last reading of each channel and of the facility', async () => {
    const res = await get(`/api/v1/facilities/${w.a.facility.id}/extent`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{ from: number; to: number; channels: { channelId: string }[] }>();
    expect(body.from).toBe(YEAR_AGO);
    // The seeded channel: 600 one-second readings from T0, and one more at T0 + 599 s.
    expect(body.to).toBe(T0 + 599_000);
    const by = new Map(body.channels.map((c) => [c.channelId, c]));
    expect(by.get('ch-imported')).toEqual({
      channelId: 'ch-imported',
      from: YEAR_AGO,
      to: YEAR_AGO + 23 * 3_600_000,
    });
    expect(by.get('ch-empty')).toEqual({ channelId: 'ch-empty', from: null, to: null });
    expect(by.get(w.a.channel.id)).toEqual({ channelId: w.a.channel.id, from: T0, to: T0 + 599_000 });
  });

  it('follows the facility access rules', async () => {
    expect((await get(`/api/v1/facilities/${w.shared.facility.id}/extent`)).statusCode).toBe(200);
    expect((await get(`/api/v1/facilities/${w.b.facility.id}/extent`)).statusCode).toBe(404);
  });
});
