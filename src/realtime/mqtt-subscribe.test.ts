/**
 * Subscriptions outside a device's topics (issue 14, item 13): `#` or another organisation's alerts
 * get the SUBACK failure code 0x80 with the connection kept, the reason is logged, and the allowed
 * alerts topic still works on the same connection.
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FACTORIES, type TestStore } from '../store/contract/factories.ts';
import { createChannelDirectory } from './directory.ts';
import { TEST_TOKENS, seedFleet, testDeviceAuth } from './fixtures.ts';
import { createIngest } from './ingest.ts';
import { createMemoryLog } from './log/memory/index.ts';
import { type EmbeddedBroker, startEmbeddedBroker } from './mqtt-broker.ts';
import { createQuarantine } from './quarantine.ts';
import { captureLogger } from '../util/logger.ts';

describe('MQTT subscriptions outside the token', () => {
  let t: TestStore;
  let broker: EmbeddedBroker;
  const { logger, records } = captureLogger();
  const log = createMemoryLog();
  const root = `rev${Math.random().toString(36).slice(2, 8)}/loadscope`;

  beforeAll(async () => {
    t = await STORE_FACTORIES.find((f) => f.kind === 'duckdb')!.open();
    await seedFleet(t.store);
    const directory = createChannelDirectory({ catalog: t.store.catalog });
    await directory.refresh(true);
    const quarantine = createQuarantine();
    const ingest = createIngest({ directory, log, quarantine, topicRoot: root });
    broker = await startEmbeddedBroker({
      port: 0,
      deviceAuth: testDeviceAuth(),
      ingest,
      quarantine,
      topicRoot: root,
      logger,
    });
  });
  afterAll(async () => {
    await broker?.close();
    await log.close();
    await t?.destroy();
  });

  it('answers SUBACK 0x80 for # and a foreign topic, keeps the connection and logs why', async () => {
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, {
      username: 'device',
      password: TEST_TOKENS.gateway,
      reconnectPeriod: 0,
      connectTimeout: 3000,
    });
    let closed = false;
    c.on('close', () => {
      closed = true;
    });
    try {
      // mqtt.js turns a failure code into an error that carries the SUBACK packet.
      const err = (await c.subscribeAsync(['#', `${root}/o2/alerts`], { qos: 1 }).then(
        () => undefined,
        (e: unknown) => e,
      )) as { packet?: { cmd: string; granted: number[] } } | undefined;
      expect(err?.packet?.cmd).toBe('suback');
      expect(err?.packet?.granted).toEqual([0x80, 0x80]);
      const warned = records.filter((r) => r.level === 'warn').map((r) => r.msg);
      expect(warned.some((l) => l.includes("subscribe to '#'") && l.includes(`${root}/o1/alerts`))).toBe(
        true,
      );
      expect(warned.some((l) => l.includes(`subscribe to '${root}/o2/alerts'`))).toBe(true);
      // Still connected: the allowed topic is granted on the same connection and receives messages.
      const ok = await c.subscribeAsync(`${root}/o1/alerts`, { qos: 1 });
      expect(ok[0]!.qos).toBe(1);
      const got = new Promise<string>((resolve) => c.once('message', (_t, p) => resolve(p.toString())));
      await broker.publish(`${root}/o1/alerts`, '{"hello":1}');
      expect(await got).toBe('{"hello":1}');
      expect(closed).toBe(false);
    } finally {
      await c.endAsync();
    }
  });
});
