/**
 * The subscriber on an external broker (Mosquitto, 127.0.0.1:1883, fed by the real `mosquitto_pub`)
 * acknowledges a QoS 1 message only once it is durable (issue 13, item 11): a message whose append
 * fails is delivered again, and with a stable client id what arrives while Loadscope is down is
 * delivered when it is back.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreError } from '../errors.ts';
import { STORE_FACTORIES, type TestStore } from '../store/contract/factories.ts';
import { createChannelDirectory } from './directory.ts';
import { seedFleet } from './fixtures.ts';
import { createIngest } from './ingest.ts';
import { createMemoryLog } from './log/memory/index.ts';
import { runConsumer } from './log/run.ts';
import type { ReadingLog } from './log/port.ts';
import { startExternalSubscriber } from './mqtt-client.ts';
import { createQuarantine } from './quarantine.ts';

const run = promisify(execFile);
const MOSQUITTO = new URL(process.env['LOADSCOPE_TEST_MQTT'] ?? 'mqtt://127.0.0.1:1883');

async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('external MQTT subscriber acknowledgement', () => {
  let t: TestStore;
  let memlog: ReturnType<typeof createMemoryLog>;
  let ingest: ReturnType<typeof createIngest>;
  let failNext = 0;
  const errors: unknown[] = [];
  const root = `t${Math.random().toString(36).slice(2, 8)}/loadscope`;
  const pub = (topic: string, msg: string) =>
    run('mosquitto_pub', [
      '-h',
      MOSQUITTO.hostname,
      '-p',
      MOSQUITTO.port || '1883',
      '-q',
      '1',
      '-t',
      topic,
      '-m',
      msg,
    ]);

  beforeAll(async () => {
    t = await STORE_FACTORIES.find((f) => f.kind === 'duckdb')!.open();
    await seedFleet(t.store);
    const directory = createChannelDirectory({ catalog: t.store.catalog });
    await directory.refresh(true);
    memlog = createMemoryLog();
    runConsumer(memlog, async (b) => void (await t.store.readings.write(b)));
    // The real log behind a switch: an append fails as one to a NATS server that is down would.
    const log: ReadingLog = {
      ...memlog,
      append: async (b) => {
        if (failNext > 0) {
          failNext--;
          throw new StoreError('log', 'append (server down)');
        }
        await memlog.append(b);
      },
    };
    ingest = createIngest({ directory, log, quarantine: createQuarantine(), topicRoot: root });
  });
  afterAll(async () => {
    // A clean connection with the same ids ends the persistent sessions on the shared broker.
    for (const id of ['a', 'b']) {
      const c = await mqtt.connectAsync(MOSQUITTO.href, {
        clientId: `${root.replace('/', '-')}-${id}`,
        clean: true,
      });
      await c.endAsync();
    }
    await memlog?.close();
    await t?.destroy();
  });

  it('does not acknowledge a message it could not store: the broker delivers it again', async () => {
    const ext = await startExternalSubscriber({
      url: MOSQUITTO.href,
      ingest,
      topicRoot: root,
      clientId: `${root.replace('/', '-')}-a`,
      onError: (e) => errors.push(e),
    });
    try {
      failNext = 1;
      await pub(`${root}/o1/m1/mains`, JSON.stringify({ ts: Date.now() - 1000, value: 42 }));
      await until(async () => (await t.store.readings.count('m1.mains')) === 1);
      expect(errors.map(String).join()).toMatch(/server down/);
    } finally {
      await ext.close();
    }
  });

  it('keeps its session: messages published while it is down arrive after a restart', async () => {
    const clientId = `${root.replace('/', '-')}-b`;
    const first = await startExternalSubscriber({ url: MOSQUITTO.href, ingest, topicRoot: root, clientId });
    await first.close();
    const now = Date.now();
    for (let i = 0; i < 5; i++)
      await pub(`${root}/o1/m2/mains`, JSON.stringify({ ts: now - 5000 + i, value: i }));
    const again = await startExternalSubscriber({ url: MOSQUITTO.href, ingest, topicRoot: root, clientId });
    try {
      await until(async () => (await t.store.readings.count('m2.mains')) === 5);
    } finally {
      await again.close();
    }
  });
});
