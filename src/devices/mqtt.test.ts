/**
 * A registered device over the embedded MQTT broker of the whole application: its readings land and
 * count as activity; a device assigned to a facility that publishes for another facility's meter is
 * refused (and disconnected, as every refused publish is) and the refusal counts in the list; after a
 * rotation the old token's connection is closed, its next publish never arrives, and the next CONNECT
 * with it is refused, while the new token connects and publishes.
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEEDED, type TestApp, startTestApp } from '../api/test-app.ts';
import { electricityMeter, plainFacility, powerMains } from '../store/contract/fixtures.ts';

describe('registered devices over MQTT', () => {
  let t: TestApp;
  const auth = () => ({ authorization: `Bearer ${t.token}` });
  const device = async (path: string) =>
    (await t.app.http.inject({ url: `/api/v1/devices/${path}`, headers: auth() })).json<{
      rejected24h: number;
      messagesPerMinute: number;
      status: string;
    }>();
  const connect = (token: string) =>
    mqtt.connectAsync(t.mqttUrl, {
      username: 'gw',
      password: token,
      reconnectPeriod: 0,
      connectTimeout: 3000,
    });

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.store.catalog.upsertFacilities([plainFacility('fac-2', 'default', 'warehouse')]);
    await t.app.store.catalog.upsertMeters([electricityMeter('met-2', 'fac-2')]);
    await t.app.store.catalog.upsertChannels([powerMains('ch-2', 'met-2')]);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it("lands its readings, refuses another facility's meter, and counts both", async () => {
    const res = await t.app.http.inject({
      method: 'POST',
      url: '/api/v1/devices',
      headers: auth(),
      payload: { name: 'plant-gw', facilityId: SEEDED.facilityId },
    });
    const token = res.json<{ token: string }>().token;
    const client = await connect(token);
    const ts = Date.now();
    await client.publishAsync(
      `loadscope/default/${SEEDED.meterId}/mains`,
      JSON.stringify({ ts, value: 42 }),
      {
        qos: 1,
      },
    );
    expect((await device('plant-gw')).status).toBe('online');
    const latest = await t.app.store.readings.read(SEEDED.channelId, ts, ts + 1);
    expect(latest.length).toBe(1);
    const closed = new Promise<void>((r) => client.once('close', () => r()));
    void client
      .publishAsync('loadscope/default/met-2/mains', JSON.stringify({ ts, value: 1 }), { qos: 1 })
      .catch(() => undefined);
    await closed;
    await client.endAsync(true);
    expect(await device('plant-gw')).toMatchObject({ rejected24h: 1, messagesPerMinute: 0.4 });
  });

  it('closes the old token at rotation: its next publish and CONNECT are refused', async () => {
    const res = await t.app.http.inject({
      method: 'POST',
      url: '/api/v1/devices',
      headers: auth(),
      payload: { name: 'roof-gw' },
    });
    const old = res.json<{ token: string }>().token;
    const client = await connect(old);
    const closed = new Promise<void>((r) => client.once('close', () => r()));
    const rotated = await t.app.http.inject({
      method: 'POST',
      url: '/api/v1/devices/roof-gw/rotate',
      headers: auth(),
    });
    const fresh = rotated.json<{ token: string }>().token;
    await closed;
    expect(client.connected).toBe(false);
    const ts = Date.now();
    // The old connection's next publish is never acknowledged (the client is disconnected).
    const sent = client
      .publishAsync(`loadscope/default/${SEEDED.meterId}/mains`, JSON.stringify({ ts, value: 7 }), { qos: 1 })
      .then(
        () => 'acknowledged',
        () => 'refused',
      );
    const outcome = await Promise.race([sent, new Promise((r) => setTimeout(() => r('no answer'), 500))]);
    expect(outcome).not.toBe('acknowledged');
    await client.endAsync(true);
    await expect(connect(old)).rejects.toThrow(/Not authorized|Bad username/i);
    const next = await connect(fresh);
    await next.publishAsync(
      `loadscope/default/${SEEDED.meterId}/mains`,
      JSON.stringify({ ts: ts + 1, value: 8 }),
      {
        qos: 1,
      },
    );
    await next.endAsync();
    const rows = await t.app.store.readings.read(SEEDED.channelId, ts, ts + 2);
    expect(rows.map((r) => r.value)).toEqual([8]);
  });
});
