/**
 * MQTT ingest: the embedded aedes broker with device tokens (mqtt.js clients), and an external
 * Mosquitto (127.0.0.1:1883) fed by the real `mosquitto_pub` client, both into a DuckDB store.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FACTORIES, type TestStore } from '../store/contract/factories.ts';
import { batchOf } from '../stream/batch.ts';
import { createChannelDirectory } from './directory.ts';
import { TEST_TOKENS, seedFleet, testDeviceAuth } from './fixtures.ts';
import { createIngest } from './ingest.ts';
import { createMemoryLog } from './log/memory/index.ts';
import { runConsumer } from './log/run.ts';
import { type EmbeddedBroker, startEmbeddedBroker } from './mqtt-broker.ts';
import { startExternalSubscriber } from './mqtt-client.ts';
import { createQuarantine } from './quarantine.ts';
import { encodeCompact } from './wire.ts';

const run = promisify(execFile);
const MOSQUITTO = process.env['LOADSCOPE_TEST_MQTT'] ?? 'mqtt://127.0.0.1:1883';

async function until(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('MQTT ingest', () => {
  let t: TestStore;
  let broker: EmbeddedBroker;
  const quarantine = createQuarantine();
  const log = createMemoryLog();
  const root = `t${Math.random().toString(36).slice(2, 8)}/loadscope`;
  let ingest: ReturnType<typeof createIngest>;

  beforeAll(async () => {
    t = await STORE_FACTORIES.find((f) => f.kind === 'duckdb')!.open();
    await seedFleet(t.store);
    const directory = createChannelDirectory({ catalog: t.store.catalog });
    await directory.refresh(true);
    runConsumer(log, async (b) => void (await t.store.readings.write(b)));
    ingest = createIngest({
      directory,
      log,
      quarantine,
      topicRoot: root,
      limits: { rate: { perSecond: 100, burst: 200 } },
    });
    broker = await startEmbeddedBroker({
      port: 0,
      deviceAuth: testDeviceAuth(),
      ingest,
      quarantine,
      topicRoot: root,
    });
  });
  afterAll(async () => {
    await broker?.close();
    await log.close();
    await t?.destroy();
  });

  const connect = (token: string | undefined) =>
    mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, {
      ...(token ? { username: 'device', password: token } : {}),
      reconnectPeriod: 0,
      connectTimeout: 3000,
    });

  it('ingests single readings, JSON batches and compact frames from an authenticated device', async () => {
    const c = await connect(TEST_TOKENS.gateway);
    const now = Date.now();
    await c.publishAsync(`${root}/o1/m1/mains`, JSON.stringify({ ts: now - 2000, value: 120 }), { qos: 1 });
    await c.publishAsync(
      `${root}/o1/m1/mains`,
      JSON.stringify({ ts: new Date(now - 1000).toISOString(), value: 121, quality: 1 }),
      { qos: 1 },
    );
    await c.publishAsync(
      `${root}/o1/batch`,
      JSON.stringify({ readings: [{ channel: 'm2.mains', ts: now - 1000, value: 5 }] }),
      { qos: 1 },
    );
    const frame = encodeCompact(
      batchOf(
        Array.from({ length: 50 }, (_, i) => ({
          channelId: i % 2 ? 'm1.fridge' : 'm2.fridge',
          ts: now - 60_000 + i,
          value: i,
        })),
      ),
    );
    await c.publishAsync(`${root}/o1/compact`, frame, { qos: 1 });
    await c.endAsync();
    await until(async () => (await t.store.readings.count()) >= 53);
    expect(await t.store.readings.count('m1.mains')).toBe(2);
    expect(await t.store.readings.count('m1.fridge')).toBe(25);
  });

  it('sends PUBACK for a QoS 1 publish only once its readings are in the store (issue 13, item 11)', async () => {
    const c = await connect(TEST_TOKENS.gateway);
    const base = Date.now() - 120_000;
    const before = await t.store.readings.count('m2.mains');
    for (let k = 1; k <= 3; k++) {
      const frame = encodeCompact(
        batchOf(
          Array.from({ length: 40 }, (_, i) => ({
            channelId: 'm2.mains',
            ts: base + k * 1000 + i,
            value: i,
          })),
        ),
      );
      await c.publishAsync(`${root}/o1/compact`, frame, { qos: 1 });
      // No waiting: what was acknowledged is already stored.
      expect(await t.store.readings.count('m2.mains')).toBe(before + 40 * k);
    }
    await c.endAsync();
  });

  it('refuses bad credentials and foreign topics, quarantines bad payloads, and keeps serving others', async () => {
    await expect(connect(undefined)).rejects.toThrow();
    await expect(connect('not-a-valid-token-at-all')).rejects.toThrow();
    const before = quarantine.total();
    // Malformed JSON, wrong type, unknown channel, far future: accepted by the broker, quarantined by ingest.
    const c = await connect(TEST_TOKENS.gateway);
    await c.publishAsync(`${root}/o1/m1/mains`, '{"ts": 1, "value":', { qos: 1 });
    await c.publishAsync(`${root}/o1/m1/mains`, JSON.stringify({ ts: Date.now(), value: 'x' }), { qos: 1 });
    await c.publishAsync(`${root}/o1/m1/nosuch`, JSON.stringify({ ts: Date.now(), value: 1 }), { qos: 1 });
    await c.publishAsync(`${root}/o1/m1/mains`, JSON.stringify({ ts: Date.now() + 86_400_000, value: 1 }), {
      qos: 1,
    });
    await c.publishAsync(`${root}/o1/compact`, Buffer.from('LS-garbage-garbage'), { qos: 1 });
    await c.endAsync();
    // A device limited to m1 publishing for m2, and a device of o1 publishing under o2: disconnected.
    const limited = await connect(TEST_TOKENS.m1only);
    limited.publish(`${root}/o1/m2/mains`, JSON.stringify({ ts: Date.now(), value: 1 }), { qos: 1 });
    await until(async () => quarantine.list().some((e) => /may not publish for meter 'm2'/.test(e.reason)));
    limited.end(true);
    const foreign = await connect(TEST_TOKENS.gateway);
    foreign.publish(`${root}/o2/m91/mains`, JSON.stringify({ ts: Date.now(), value: 1 }), { qos: 1 });
    await until(async () => quarantine.list().some((e) => /forbidden: publish/.test(e.reason)));
    foreign.end(true);
    const reasons = quarantine.list({ orgId: 'o1' }).map((e) => e.reason);
    for (const r of [
      /malformed JSON/,
      /field 'value'/,
      /unknown channel/,
      /timestamp out of range/,
      /malformed compact frame/,
    ])
      expect(
        reasons.some((x) => r.test(x)),
        String(r),
      ).toBe(true);
    expect(quarantine.total() - before).toBeGreaterThanOrEqual(7);
    // o2's device is unaffected.
    const other = await connect(TEST_TOKENS.other);
    await other.publishAsync(`${root}/o2/m91/mains`, JSON.stringify({ ts: Date.now(), value: 7 }), {
      qos: 1,
    });
    await other.endAsync();
    await until(async () => (await t.store.readings.count('m91.mains')) === 1);
  });

  it('rate-limits a flooding device, other devices still land', async () => {
    const flood = await connect(TEST_TOKENS.m1only);
    const now = Date.now();
    const big = JSON.stringify({
      readings: Array.from({ length: 150 }, (_, i) => ({
        channel: 'm1.fridge',
        ts: now - 100_000 + i,
        value: 1,
      })),
    });
    await flood.publishAsync(`${root}/o1/batch`, big, { qos: 1 });
    await flood.publishAsync(`${root}/o1/batch`, big, { qos: 1 });
    await flood.endAsync();
    expect(quarantine.list().some((e) => e.device === 'dev-m1' && /rate limit/.test(e.reason))).toBe(true);
    const other = await connect(TEST_TOKENS.other);
    await other.publishAsync(`${root}/o2/m91/fridge`, JSON.stringify({ ts: now, value: 3 }), { qos: 1 });
    await other.endAsync();
    await until(async () => (await t.store.readings.count('m91.fridge')) === 1);
  });

  it('ingests from an external Mosquitto broker fed by mosquitto_pub', async () => {
    const ext = await startExternalSubscriber({ url: MOSQUITTO, ingest, topicRoot: `${root}` });
    const now = Date.now();
    const u = new URL(MOSQUITTO);
    const pub = (topic: string, msg: string) =>
      run('mosquitto_pub', ['-h', u.hostname, '-p', u.port || '1883', '-q', '1', '-t', topic, '-m', msg]);
    await pub(`${root}/o2/m92/mains`, JSON.stringify({ ts: now - 1000, value: 42 }));
    await pub(
      `${root}/o2/batch`,
      JSON.stringify({
        readings: [
          { channel: 'm92.fridge', ts: now - 1000, value: 1 },
          { channel: 'm92.fridge', ts: now - 500, value: 2 },
        ],
      }),
    );
    await pub(`${root}/o2/m92/mains`, 'not json');
    await until(
      async () =>
        (await t.store.readings.count('m92.fridge')) === 2 &&
        (await t.store.readings.count('m92.mains')) === 1,
    );
    await ext.idle();
    expect(
      quarantine
        .list({ orgId: 'o2' })
        .some((e) => e.topic === `${root}/o2/m92/mains` && /malformed JSON/.test(e.reason)),
    ).toBe(true);
    await ext.close();
  });
});
