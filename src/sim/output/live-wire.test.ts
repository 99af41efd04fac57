import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { decodeCompact } from '../../realtime/wire.ts';
import { createFleet } from '../fleet.ts';
import { createLiveFeed } from '../live.ts';
import { generateReadings } from '../readings.ts';
import { postHttp } from './http.ts';
import { publishMqtt } from './mqtt.ts';

const BROKER = process.env['LOADSCOPE_TEST_MQTT'] ?? 'mqtt://127.0.0.1:1883';
const FROM = Date.UTC(2024, 5, 3);
const TO = FROM + 2 * 3_600_000;
const fleet = createFleet({
  seed: 31,
  meters: 8,
  orgs: 2,
  applianceShare: 0.5,
  sampleMs: 300_000,
  idPrefix: 'wire',
});

async function expectedReadings(): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for await (const b of generateReadings(fleet, { from: FROM, to: TO })) {
    for (let i = 0; i < b.length; i++)
      out.set(`${b.channelIds[b.channel[i] as number]}@${b.ts[i]}`, b.value[i] as number);
  }
  return out;
}

describe.each(['reading', 'batch', 'compact'] as const)('publishMqtt (%s) to Mosquitto', (mode) => {
  it('delivers every reading in the wire format on the agreed topics', async () => {
    const root = `lstest${Math.random().toString(36).slice(2, 10)}`;
    const sub = await mqtt.connectAsync(BROKER, { reconnectPeriod: 0 });
    const got = new Map<string, number>();
    const topics = new Set<string>();
    sub.on('message', (topic, payload) => {
      const parts = topic.split('/');
      topics.add(parts.length === 4 ? `${parts[1]}/*/*` : `${parts[1]}/${parts[2]}`);
      if (parts.length === 4) {
        const r = JSON.parse(payload.toString()) as { ts: number; value: number };
        got.set(`${parts[2]}.${parts[3]}@${r.ts}`, r.value);
      } else if (parts[2] === 'batch') {
        for (const r of (
          JSON.parse(payload.toString()) as { readings: { channel: string; ts: number; value: number }[] }
        ).readings)
          got.set(`${r.channel}@${r.ts}`, r.value);
      } else {
        const b = decodeCompact(payload);
        for (let i = 0; i < b.length; i++)
          got.set(`${b.channelIds[b.channel[i] as number]}@${b.ts[i]}`, b.value[i] as number);
      }
    });
    await sub.subscribeAsync(`${root}/#`, { qos: 1 });
    try {
      const expected = await expectedReadings();
      const totals = await publishMqtt(
        fleet,
        generateReadings(fleet, { from: FROM, to: TO, batchSize: 700 }),
        { url: BROKER, root, mode, qos: 1 },
      );
      expect(totals.readings).toBe(expected.size);
      for (let i = 0; i < 100 && got.size < expected.size; i++) await new Promise((r) => setTimeout(r, 50));
      expect(got).toEqual(expected);
      const orgs = fleet.orgs.map((o) => o.id);
      if (mode === 'reading') expect([...topics].sort()).toEqual(orgs.map((o) => `${o}/*/*`).sort());
      else expect([...topics].sort()).toEqual(orgs.map((o) => `${o}/${mode}`).sort());
    } finally {
      await sub.endAsync();
    }
  });
});

describe('postHttp', () => {
  it('posts JSON batches with the bearer token, one organisation per request', async () => {
    const bodies: {
      auth: string | undefined;
      body: { readings: { channel: string; ts: number; value: number }[] };
    }[] = [];
    const server = createServer((req, res) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString()));
      req.on('end', () => {
        if (req.url !== '/api/v1/readings' || req.method !== 'POST') {
          res.writeHead(404).end();
          return;
        }
        bodies.push({
          auth: req.headers.authorization,
          body: JSON.parse(data) as (typeof bodies)[number]['body'],
        });
        res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":1,"rejected":[]}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const org = fleet.orgs[0]!.id;
      const ac = new AbortController();
      const feed = createLiveFeed(fleet, { speed: Infinity, startAt: FROM, endAt: TO, signal: ac.signal });
      const totals = await postHttp(fleet, feed, { url, token: 'tok-123', org, perRequest: 50 });
      expect(totals.requests).toBe(bodies.length);
      expect(bodies.every((b) => b.auth === 'Bearer tok-123' && b.body.readings.length <= 50)).toBe(true);
      const meterOrg = new Map(
        fleet.meters.map((m) => [m.id, fleet.facilities.find((f) => f.id === m.facilityId)!.orgId]),
      );
      const sent = bodies.flatMap((b) => b.body.readings);
      expect(sent.length).toBe(totals.readings);
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.every((r) => meterOrg.get(r.channel.split('.')[0]!) === org)).toBe(true);
      // A refusing server is reported with its status and answer.
      server.removeAllListeners('request');
      server.on('request', (_req, res) => res.writeHead(401).end('{"error":"UNAUTHENTICATED"}'));
      await expect(
        postHttp(fleet, generateReadings(fleet, { from: FROM, to: TO }), { url, token: 'bad' }),
      ).rejects.toThrow(/401.*UNAUTHENTICATED/);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
