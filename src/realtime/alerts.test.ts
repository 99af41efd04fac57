/**
 * Alerts carry their channel's unit (issue 14, item 1): an interval-energy channel's overshoot reads
 * in kWh per interval, not W; a pattern rule's alert names the threshold it crossed; the store, the
 * webhook and the MQTT alerts topic all get the unit and the threshold.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, Channel } from '../domain/types.ts';
import { STORE_FACTORIES, type TestStore } from '../store/contract/factories.ts';
import { batchOf } from '../stream/batch.ts';
import { createOvershootProcessor } from '../stream/overshoot.ts';
import { createRuleEngine } from '../stream/rules/engine.ts';
import { parseRule } from '../domain/rule-spec.ts';
import { createAlertSink } from './alerts.ts';
import { type ChannelDirectory, createChannelDirectory } from './directory.ts';
import { TEST_TOKENS, seedFleet, testDeviceAuth } from './fixtures.ts';
import { mqttAlertForwarder, webhookForwarder } from './forward.ts';
import { createEventHub } from './hub.ts';
import { createIngest } from './ingest.ts';
import { createMemoryLog } from './log/memory/index.ts';
import { type EmbeddedBroker, startEmbeddedBroker } from './mqtt-broker.ts';
import { createQuarantine } from './quarantine.ts';

const FIVE_MIN = 300_000;

const energyChannel: Channel = {
  id: 'm1.energy',
  meterId: 'm1',
  name: 'energy',
  isMains: false,
  appliance: null,
  measurement: 'interval',
  unit: 'Wh',
  intervalMs: FIVE_MIN,
  maxGapMs: null,
  rolloverAt: null,
};

describe('alert units and thresholds', () => {
  let t: TestStore;
  let directory: ChannelDirectory;
  let broker: EmbeddedBroker;
  let webhook: Server;
  let webhookUrl: string;
  const posted: unknown[] = [];
  const log = createMemoryLog();
  const root = `unit${Math.random().toString(36).slice(2, 8)}/loadscope`;

  beforeAll(async () => {
    t = await STORE_FACTORIES.find((f) => f.kind === 'duckdb')!.open();
    await seedFleet(t.store);
    await t.store.catalog.upsertChannels([energyChannel]);
    directory = createChannelDirectory({ catalog: t.store.catalog });
    await directory.refresh(true);
    const quarantine = createQuarantine();
    const ingest = createIngest({ directory, log, quarantine, topicRoot: root });
    broker = await startEmbeddedBroker({
      port: 0,
      deviceAuth: testDeviceAuth(),
      ingest,
      quarantine,
      topicRoot: root,
    });
    webhook = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        posted.push(JSON.parse(body));
        res.end('ok');
      });
    });
    await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
    webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    await new Promise((r) => webhook?.close(r));
    await broker?.close();
    await log.close();
    await t?.destroy();
  });

  const sink = () =>
    createAlertSink({
      alerts: t.store.alerts,
      directory,
      hub: createEventHub(),
      forwarders: [webhookForwarder(webhookUrl), mqttAlertForwarder(broker.publish, root)],
      onError: (e) => {
        throw e;
      },
    });

  it('writes an interval channel overshoot in kWh per interval, stored with its unit', async () => {
    const s = sink();
    const p = createOvershootProcessor(
      { minDurationMs: 60_000, hysteresis: 0.1, clearAfterMs: 60_000, severity: 'warning' },
      s.signal,
    );
    p.setThresholds(new Map([['m1.energy', 1480]]));
    const t0 = Date.UTC(2026, 0, 5);
    p.process(
      batchOf([
        { channelId: 'm1.energy', ts: t0, value: 900 },
        { channelId: 'm1.energy', ts: t0 + FIVE_MIN, value: 1530 },
      ]),
    );
    await s.flush();
    const [a] = await t.store.alerts.listAlerts({ channelId: 'm1.energy' });
    expect(a).toMatchObject({ unit: 'Wh', value: 1530, threshold: 1480 });
    expect(a!.message).toBe('value 1.53 kWh per 5 min above threshold 1.48 kWh per 5 min for at least 60 s');
    expect(a!.message).not.toMatch(/\bk?W\b/);
  });

  it('names the threshold of a pattern rule on the MQTT alerts topic and the webhook', async () => {
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, {
      username: 'device',
      password: TEST_TOKENS.gateway,
      reconnectPeriod: 0,
      connectTimeout: 3000,
    });
    try {
      await c.subscribeAsync(`${root}/o1/alerts`, { qos: 1 });
      const got = new Promise<Alert>((resolve) =>
        c.once('message', (_t, p) => resolve(JSON.parse(p.toString()) as Alert)),
      );
      const s = sink();
      const rule = {
        ...parseRule({
          name: 'high',
          description: 'Mains above 2 kW',
          condition: { type: 'above', value: 2000 },
        }),
        id: 'r1',
        orgId: 'o1',
        createdAt: 1,
        updatedAt: 1,
      };
      const engine = createRuleEngine({
        channelInfo: (id) => directory.byId(id),
        threshold: () => undefined,
        emit: s.signal,
      });
      engine.setRules([rule]);
      engine.process(batchOf([{ channelId: 'm1.mains', ts: Date.UTC(2026, 0, 5, 1), value: 2500 }]));
      await s.flush();
      const mqttAlert = await got;
      expect(mqttAlert).toMatchObject({ rule: 'high', value: 2500, threshold: 2000, unit: 'W' });
      expect(mqttAlert.message).toBe('Mains above 2 kW: value 2.5 kW, threshold 2 kW');
      for (let i = 0; i < 100 && posted.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(posted).toContainEqual(mqttAlert);
    } finally {
      await c.endAsync();
    }
  });
});
