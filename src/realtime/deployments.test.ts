/**
 * Two deployments side by side on one NATS server (127.0.0.1:4222) and one Mosquitto broker
 * (127.0.0.1:1883), each with its own JetStream stream and MQTT topic root (issue 11): a reading
 * published under one root is stored by that deployment only, and neither consumes the other's stream.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { silentLogger } from '../util/logger.ts';

const NATS = process.env['LOADSCOPE_NATS_URL'] ?? '127.0.0.1:4222';
const BROKER = process.env['LOADSCOPE_TEST_MQTT_URL'] ?? 'mqtt://127.0.0.1:1883';
const run = Math.random().toString(36).slice(2, 8);

interface Deployment {
  name: string;
  stream: string;
  root: string;
  dir: string;
  app: App;
}

async function deploy(
  name: 'a' | 'b' | 'bridge' | 'consumer',
  opts: { stream?: string; startConsumes?: boolean } = {},
): Promise<Deployment> {
  const dir = await mkdtemp(join(tmpdir(), `loadscope-dep-${name}-`));
  const stream = opts.stream ?? `t_dep_${run}_${name}`;
  const root = `t${run}${name}/loadscope`;
  const config = loadConfig(
    {},
    {
      LOADSCOPE_DATA_DIR_STATE: dir,
      LOADSCOPE_PORT: '0',
      LOADSCOPE_LOG: 'jetstream',
      LOADSCOPE_NATS_URL: NATS,
      LOADSCOPE_LOG_PARTITIONS: '4',
      LOADSCOPE_LOG_STREAM: stream,
      LOADSCOPE_MQTT: BROKER,
      LOADSCOPE_MQTT_CLIENT_ID: `loadscope-dep-${run}-${name}`,
      LOADSCOPE_MQTT_TOPIC_ROOT: root,
      LOADSCOPE_SIM_METERS: '2',
      LOADSCOPE_SIM_BACKFILL_DAYS: '0',
      LOADSCOPE_SEED: '7',
      LOADSCOPE_BATCH_EVERY: '0',
      LOADSCOPE_START_CONSUMES: opts.startConsumes === false ? '0' : '1',
    },
  );
  const app = createApp(config, { logger: silentLogger(), pipeline: { flushMs: 200 } });
  await app.start();
  return { name, stream, root, dir, app };
}

describe('two deployments on one NATS server and one MQTT broker', () => {
  const deps: Deployment[] = [];

  beforeAll(async () => {
    deps.push(await deploy('a'), await deploy('b'));
  });
  afterAll(async () => {
    for (const d of deps) {
      await d.app.stop();
      await rm(d.dir, { recursive: true, force: true });
    }
    const nc = await connect({ servers: NATS });
    const jsm = await jetstreamManager(nc);
    for (const d of deps) await jsm.streams.delete(d.stream).catch(() => undefined);
    await nc.close();
  });

  it('stores a reading in the deployment whose topic root it was published under, and only there', async () => {
    // Both fleets come from the same seed: the same channel ids exist in both stores.
    const [a, b] = deps as [Deployment, Deployment];
    const channels = await a.app.store.catalog.listChannels();
    const mains = channels.find((c) => c.isMains && c.unit === 'W')!;
    const facility = (await a.app.store.catalog.getFacility(
      (await a.app.store.catalog.getMeter(mains.meterId))!.facilityId,
    ))!;
    const meter = { id: mains.meterId, orgId: facility.orgId };
    const ts = Date.now() - 3_600_000; // an hour ago: clear of the simulated fleet's live readings
    const c = await mqtt.connectAsync(BROKER, { reconnectPeriod: 0, connectTimeout: 5000 });
    try {
      await c.publishAsync(
        `${a.root}/${meter.orgId}/${meter.id}/${mains.name}`,
        JSON.stringify({ ts, value: 111 }),
        {
          qos: 1,
        },
      );
      await c.publishAsync(
        `${b.root}/${meter.orgId}/${meter.id}/${mains.name}`,
        JSON.stringify({ ts: ts + 1000, value: 222 }),
        { qos: 1 },
      );
    } finally {
      await c.endAsync();
    }
    const read = (d: Deployment) => d.app.store.readings.read(mains.id, ts - 1, ts + 2000);
    for (let i = 0; i < 300; i++) {
      if ((await read(a)).length > 0 && (await read(b)).length > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await read(a)).map((r) => r.value)).toEqual([111]);
    expect((await read(b)).map((r) => r.value)).toEqual([222]);
  });

  it('keeps each deployment on its own stream', async () => {
    const nc = await connect({ servers: NATS });
    try {
      const jsm = await jetstreamManager(nc);
      for (const d of deps) {
        const info = await jsm.streams.info(d.stream);
        expect(info.config.subjects).toEqual([`${d.stream}.readings.*`]);
        expect(info.state.messages).toBeGreaterThan(0);
      }
    } finally {
      await nc.close();
    }
  });
});

describe('`start` that only bridges (LOADSCOPE_START_CONSUMES=0)', () => {
  const deps: Deployment[] = [];
  const stream = `t_dep_${run}_bridge`;
  afterAll(async () => {
    for (const d of deps) {
      await d.app.stop();
      await rm(d.dir, { recursive: true, force: true });
    }
    const nc = await connect({ servers: NATS });
    await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
    await nc.close();
  });

  it('appends to the stream but stores nothing until a consumer of the same stream starts', async () => {
    const bridge = await deploy('bridge', { stream, startConsumes: false });
    deps.push(bridge);
    const mains = (await bridge.app.store.catalog.listChannels()).find((c) => c.isMains && c.unit === 'W')!;
    const meter = (await bridge.app.store.catalog.getMeter(mains.meterId))!;
    const facility = (await bridge.app.store.catalog.getFacility(meter.facilityId))!;
    const ts = Date.now() - 3_600_000;
    const c = await mqtt.connectAsync(BROKER, { reconnectPeriod: 0, connectTimeout: 5000 });
    try {
      await c.publishAsync(
        `${bridge.root}/${facility.orgId}/${meter.id}/${mains.name}`,
        JSON.stringify({ ts, value: 333 }),
        { qos: 1 },
      );
    } finally {
      await c.endAsync();
    }
    const nc = await connect({ servers: NATS });
    try {
      const jsm = await jetstreamManager(nc);
      for (let i = 0; i < 100 && (await jsm.streams.info(stream)).state.messages === 0; i++)
        await new Promise((r) => setTimeout(r, 100));
      expect((await jsm.streams.info(stream)).state.messages).toBeGreaterThan(0);
    } finally {
      await nc.close();
    }
    await new Promise((r) => setTimeout(r, 1500)); // a consumer would have stored it by now
    expect(await bridge.app.store.readings.read(mains.id, ts - 1, ts + 1)).toEqual([]);

    // A consumer on the same stream and a store of its own (as a worker would have) stores it.
    const consumer = await deploy('consumer', { stream });
    deps.push(consumer);
    const read = () => consumer.app.store.readings.read(mains.id, ts - 1, ts + 1);
    for (let i = 0; i < 300 && (await read()).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await read()).map((r) => r.value)).toEqual([333]);
    expect(await bridge.app.store.readings.read(mains.id, ts - 1, ts + 1)).toEqual([]);
  });
});
