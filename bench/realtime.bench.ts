/**
 * Real-time layer benchmark.
 * - MQTT end to end (publish -> ingest -> log -> store write + processors): readings/s with compact
 *   batched frames and messages/s with one JSON reading per message, each against the same messages
 *   through an aedes broker to a bare subscriber (the broker's limit) in the same run;
 * - alert latency, publish -> alert received by a live-push (SSE) client, p50/p99 at half load;
 * - the scale-out chain, MQTT -> JetStream -> 1 or 2 `loadscope worker` processes -> PostgreSQL:
 *   readings/s and CPU seconds per million readings beside the embedded chain (MQTT -> memory log ->
 *   DuckDB) and the bare subscriber, and 1 worker writing each log message alone (before issue 11).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect as natsConnect } from '@nats-io/transport-node';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { createChannelDirectory } from '../src/realtime/directory.ts';
import { TEST_TOKENS, fleetCatalog, seedFleet, testDeviceAuth } from '../src/realtime/fixtures.ts';
import { realtimeRoutes } from '../src/api/routes/realtime/index.ts';
import { createTestHost, devicePrincipals } from '../src/api/test-host.ts';
import { createEventHub } from '../src/realtime/hub.ts';
import { createIngest } from '../src/realtime/ingest.ts';
import { createJetStreamLog } from '../src/realtime/log/jetstream/index.ts';
import { createMemoryLog } from '../src/realtime/log/memory/index.ts';
import { runConsumer } from '../src/realtime/log/run.ts';
import { startEmbeddedBroker } from '../src/realtime/mqtt-broker.ts';
import { createPipeline } from '../src/realtime/pipeline.ts';
import { createQuarantine } from '../src/realtime/quarantine.ts';
import { readSseEvents } from '../src/realtime/testing/sse-events.ts';
import { encodeCompact } from '../src/realtime/wire.ts';
import { STORE_FACTORIES } from '../src/store/contract/factories.ts';
import { createBatchBuilder } from '../src/stream/batch.ts';
import { cpuSecondsOf, ownCpuSeconds, pidsNamed } from './cpu.ts';
import type { Bench, BenchRow } from './harness.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('bench timed out');
    await sleep(5);
  }
}

/** Compact frames of `perFrame` readings spread over the fleet's channels, timestamps unique per channel. */
function frames(channels: string[], total: number, perFrame: number, t0: number): Buffer[] {
  const out: Buffer[] = [];
  let k = 0;
  while (k < total) {
    const b = createBatchBuilder(perFrame);
    for (let i = 0; i < perFrame && k < total; i++, k++)
      b.push(channels[k % channels.length]!, t0 + Math.floor(k / channels.length), 100 + (k % 97));
    out.push(encodeCompact(b.build()));
  }
  return out;
}

/** A bare aedes broker and a subscriber counting messages: the broker's own limit. */
async function bareBroker(): Promise<{
  url: string;
  sub: MqttClient;
  received: () => number;
  close(): Promise<void>;
}> {
  const broker = await Aedes.createBroker();
  const server = createServer(broker.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const url = `mqtt://127.0.0.1:${port}`;
  const sub = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  let n = 0;
  sub.on('message', () => n++);
  await sub.subscribeAsync('bench/#', { qos: 0 });
  return {
    url,
    sub,
    received: () => n,
    async close() {
      await sub.endAsync();
      await new Promise<void>((r) => broker.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

async function publishAll(
  c: MqttClient,
  topic: (i: number) => string,
  payloads: (string | Buffer)[],
  qos: 0 | 1 = 1,
): Promise<void> {
  // Without waiting for each ack. QoS 0 goes through a plain loop: mqtt.js's promise per message is
  // several times slower than the broker.
  if (qos === 0) for (let i = 0; i < payloads.length; i++) c.publish(topic(i), payloads[i]!, { qos });
  else await Promise.all(payloads.map((p, i) => c.publishAsync(topic(i), p, { qos })));
}

const bench: Bench = {
  name: 'realtime',
  async run({ quick, log }) {
    const rows: BenchRow[] = [];
    const meters = quick ? 10 : 50;
    const batchedN = quick ? 200_000 : 1_000_000;
    const singleN = quick ? 10_000 : 40_000;
    let embeddedCpuPerM: number;
    let embeddedRate: number;
    const t = await STORE_FACTORIES.find((f) => f.kind === 'duckdb')!.open();
    const o1Meters = new Set(Array.from({ length: meters }, (_, i) => `m${i + 1}`));
    const channels = fleetCatalog(meters)
      .channels.filter((c) => o1Meters.has(c.meterId))
      .map((c) => c.id);
    try {
      await seedFleet(t.store, meters);
      const directory = createChannelDirectory({ catalog: t.store.catalog });
      const hub = createEventHub();
      const quarantine = createQuarantine();
      const memlog = createMemoryLog();
      const pipeline = createPipeline(
        { store: t.store, directory, hub },
        { overshoot: { minDurationMs: 0, clearAfterMs: 0 }, flushMs: 500 },
      );
      // History for p97 of the alert channel.
      const hist = createBatchBuilder(1440);
      const t0 = Date.now() - 2 * 86_400_000;
      for (let i = 0; i < 1440; i++) hist.push('m1.fridge', t0 + i * 60_000, 100 + (i % 50));
      await t.store.readings.write(hist.build());
      await t.store.rollups.computeThresholds({ percentile: 97, now: Date.now() });
      await pipeline.start();
      // Wired as the embedded app does: processors at ingest, the log feeds the store writer.
      runConsumer(memlog, pipeline.persist);
      const fastLog = {
        ...memlog,
        append: async (b: Parameters<typeof memlog.append>[0]) => {
          await pipeline.process(b);
          await memlog.append(b);
        },
      };
      const ingest = createIngest({
        directory,
        log: fastLog,
        quarantine,
        limits: { maxPayloadBytes: 4 << 20, rate: { perSecond: 1e9, burst: 1e9 } },
      });
      const broker = await startEmbeddedBroker({ port: 0, deviceAuth: testDeviceAuth(), ingest, quarantine });
      const url = `mqtt://127.0.0.1:${broker.port}`;
      const pub = await mqtt.connectAsync(url, {
        username: 'd',
        password: TEST_TOKENS.gateway,
        reconnectPeriod: 0,
      });

      // 1. batched: compact frames of 5,000 readings.
      const base = Date.now() - 86_400_000;
      const fr = frames(
        channels.filter((c) => c !== 'm1.fridge'),
        batchedN,
        5000,
        base,
      );
      const bare = await bareBroker();
      const bpub = await mqtt.connectAsync(bare.url, { reconnectPeriod: 0 });
      let t1 = performance.now();
      await publishAll(bpub, () => 'bench/o1/compact', fr);
      await until(() => bare.received() >= fr.length, 120_000);
      const bareBatched = (batchedN / (performance.now() - t1)) * 1000;
      const before = await t.store.readings.count();
      t1 = performance.now();
      const cpu0 = ownCpuSeconds();
      await publishAll(pub, () => 'loadscope/o1/compact', fr);
      await until(async () => (await t.store.readings.count()) >= before + batchedN, 300_000);
      const e2eBatched = (batchedN / (performance.now() - t1)) * 1000;
      embeddedRate = e2eBatched;
      // Publisher, broker, ingest, processors and DuckDB all run in this process.
      embeddedCpuPerM = ((ownCpuSeconds() - cpu0) / batchedN) * 1e6;
      log(`batched: ${Math.round(e2eBatched)} readings/s end to end, bare broker ${Math.round(bareBatched)}`);
      rows.push({
        name: 'MQTT batched end to end (compact frames)',
        value: Math.round(e2eBatched),
        unit: 'readings/s',
        baseline: { name: 'bare subscriber', value: Math.round(bareBatched) },
        ratio: e2eBatched / bareBatched,
        goal: '>= 200,000 readings/s',
        met: e2eBatched >= 200_000,
      });
      rows.push({
        name: 'MQTT batched end to end (embedded chain): CPU per million readings',
        value: Number(embeddedCpuPerM.toFixed(2)),
        unit: 'CPU s',
      });

      // 2. single: one JSON reading per message, published by the real mosquitto_pub in its own
      // process (`-l`: one message per stdin line), QoS 0, so the publisher does not share our CPU time.
      const singles = Array.from({ length: singleN }, (_, i) =>
        JSON.stringify({ ts: base + 10_000_000 + i, value: i % 500 }),
      );
      const [sm, sn] = channels.find((c) => c !== 'm1.fridge')!.split('.') as [string, string];
      const mosquittoPub = (port: number, topic: string, auth: string[]) =>
        new Promise<void>((resolve, reject) => {
          const p = spawn(
            'mosquitto_pub',
            ['-h', '127.0.0.1', '-p', String(port), '-q', '0', '-t', topic, '-l', ...auth],
            { stdio: ['pipe', 'ignore', 'inherit'] },
          );
          p.on('error', reject);
          p.on('exit', () => resolve());
          p.stdin.end(singles.join('\n') + '\n');
        });
      const barePort = Number(new URL(bare.url).port);
      t1 = performance.now();
      const bareStart = bare.received();
      await mosquittoPub(barePort, 'bench/o1/single', []);
      await until(() => bare.received() - bareStart >= singleN, 120_000);
      const bareSingle = (singleN / (performance.now() - t1)) * 1000;
      const before2 = await t.store.readings.count();
      t1 = performance.now();
      await mosquittoPub(broker.port, `loadscope/o1/${sm}/${sn}`, [
        '-u',
        'device',
        '-P',
        TEST_TOKENS.gateway,
      ]);
      await until(async () => (await t.store.readings.count()) >= before2 + singleN, 300_000);
      const e2eSingle = (singleN / (performance.now() - t1)) * 1000;
      log(`single: ${Math.round(e2eSingle)} msgs/s end to end, bare broker ${Math.round(bareSingle)}`);
      rows.push({
        name: 'MQTT single reading per message end to end (QoS 0)',
        value: Math.round(e2eSingle),
        unit: 'msgs/s',
        baseline: { name: 'bare subscriber', value: Math.round(bareSingle) },
        ratio: e2eSingle / bareSingle,
        goal: '>= 20,000 msgs/s',
        met: e2eSingle >= 20_000,
      });
      await bpub.endAsync();
      await bare.close();

      // 3. alert latency at half the batched load, to an SSE client.
      const app = createTestHost({ store: t.store, principalOf: devicePrincipals(testDeviceAuth()) });
      await app.register(
        realtimeRoutes({ ingest, deviceAuth: testDeviceAuth(), store: t.store, directory, hub, quarantine }),
      );
      await app.listen({ port: 0, host: '127.0.0.1' });
      const ctl = new AbortController();
      const res = await fetch(
        `http://127.0.0.1:${(app.server.address() as { port: number }).port}/api/v1/live`,
        { headers: { authorization: `Bearer ${TEST_TOKENS.gateway}` }, signal: ctl.signal },
      );
      const sentAt = new Map<number, number>();
      const lat: number[] = [];
      void readSseEvents(res.body!, (type, data) => {
        if (type !== 'alert') return;
        const a = (JSON.parse(data) as { alert: { ts: number } }).alert;
        const s = sentAt.get(a.ts);
        if (s !== undefined) lat.push(performance.now() - s);
      });
      const alerts = quick ? 30 : 100;
      const halfRate = e2eBatched / 2;
      const loadFrames = frames(
        channels.filter((c) => c !== 'm1.fridge'),
        Math.round(halfRate * (alerts * 0.1 + 1)),
        5000,
        base + 50_000_000,
      );
      let stopLoad = false;
      const loadLoop = (async () => {
        for (const f of loadFrames) {
          if (stopLoad) break;
          await pub.publishAsync('loadscope/o1/compact', f, { qos: 1 });
          await sleep((5000 / halfRate) * 1000);
        }
      })();
      const aT0 = Date.now() - 3600_000;
      for (let k = 0; k < alerts; k++) {
        const ts = aT0 + k * 2000;
        sentAt.set(ts, performance.now());
        await pub.publishAsync('loadscope/o1/m1/fridge', JSON.stringify({ ts, value: 10_000 }), { qos: 0 });
        await pub.publishAsync('loadscope/o1/m1/fridge', JSON.stringify({ ts: ts + 1000, value: 0 }), {
          qos: 0,
        });
        await sleep(100);
      }
      await until(() => lat.length >= alerts, 30_000).catch(() => undefined);
      stopLoad = true;
      await loadLoop;
      ctl.abort();
      await app.close();
      lat.sort((a, b) => a - b);
      const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] ?? NaN;
      log(
        `alert latency over ${lat.length}/${alerts} alerts: p50 ${pct(50).toFixed(1)} ms, p99 ${pct(99).toFixed(1)} ms`,
      );
      rows.push({
        name: 'alert latency publish -> SSE client, p50 (half load)',
        value: Number(pct(50).toFixed(1)),
        unit: 'ms',
      });
      rows.push({
        name: 'alert latency publish -> SSE client, p99 (half load)',
        value: Number(pct(99).toFixed(1)),
        unit: 'ms',
        goal: '< 100 ms',
        met: pct(99) < 100,
      });

      await pub.endAsync();
      await broker.close();
      await memlog.close();
      await pipeline.stop();
    } finally {
      await t.destroy();
    }

    // 4. The scale-out chain: MQTT (aedes) -> ingest -> JetStream -> `loadscope worker` processes ->
    // PostgreSQL, with 1 and 2 workers grouping messages into store writes (the default), and 1 worker
    // writing each message alone (`--batch 0`, as before issue 11). CPU per million readings adds up
    // this process (publisher, broker, ingest, append), the workers and nats-server; PostgreSQL's own
    // processes are reported apart, since other work on this machine shares that server.
    const jsN = quick ? 100_000 : 500_000;
    const scaleOut: { name: string; workers: number; batch: number }[] = [
      { name: '1 worker', workers: 1, batch: 20_000 },
      { name: '2 workers', workers: 2, batch: 20_000 },
      { name: '1 worker, one write per message', workers: 1, batch: 0 },
    ];
    const measured: { rate: number; cpuPerM: number; pgCpuPerM: number }[] = [];
    for (const run of scaleOut) {
      const pgt = await STORE_FACTORIES.find((f) => f.kind === 'postgres')!.open();
      const stream = `bench_rt_${Math.random().toString(36).slice(2, 8)}`;
      const procs: ChildProcess[] = [];
      let broker: Awaited<ReturnType<typeof startEmbeddedBroker>> | undefined;
      let jlog: Awaited<ReturnType<typeof createJetStreamLog>> | undefined;
      try {
        await seedFleet(pgt.store, meters);
        const env = {
          ...process.env,
          ...pgt.env,
          LOADSCOPE_LOG: 'jetstream',
          LOADSCOPE_LOG_PARTITIONS: '16',
        };
        await Promise.all(
          Array.from({ length: run.workers }, () => {
            const p = spawn(
              process.execPath,
              ['--import', 'tsx', 'src/main.ts', '--stream', stream, 'worker', '--batch', String(run.batch)],
              { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] },
            );
            procs.push(p);
            return new Promise<void>((r) =>
              p.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && r()),
            );
          }),
        );
        await sleep(2000); // the workers share out the partitions
        const directory = createChannelDirectory({ catalog: pgt.store.catalog });
        await directory.refresh(true);
        jlog = await createJetStreamLog({
          servers: process.env['LOADSCOPE_NATS_URL'] ?? '127.0.0.1:4222',
          partitions: 16,
          partitionKey: (id) => directory.byId(id)?.meterId,
          name: stream,
        });
        const quarantine = createQuarantine();
        const ingest = createIngest({
          directory,
          log: jlog,
          quarantine,
          topicRoot: stream,
          limits: { maxPayloadBytes: 4 << 20, rate: { perSecond: 1e9, burst: 1e9 } },
        });
        broker = await startEmbeddedBroker({
          port: 0,
          deviceAuth: testDeviceAuth(),
          ingest,
          quarantine,
          topicRoot: stream,
        });
        const pub = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, {
          username: 'd',
          password: TEST_TOKENS.gateway,
          reconnectPeriod: 0,
        });
        const fr = frames(
          channels.filter((c) => c !== 'm1.fridge'),
          jsN,
          5000,
          Date.now() - 86_400_000,
        );
        const nats = pidsNamed('nats-server');
        const pg = pidsNamed('postgres');
        const cpuOf = (pids: number[]) => pids.reduce((s, p) => s + cpuSecondsOf(p), 0);
        const workers = procs.map((p) => p.pid!);
        const c0 = ownCpuSeconds() + cpuOf(workers) + cpuOf(nats);
        const pg0 = cpuOf(pg);
        const t1 = performance.now();
        await publishAll(pub, () => `${stream}/o1/compact`, fr);
        await until(async () => (await pgt.store.readings.count()) >= jsN, 600_000);
        const rate = (jsN / (performance.now() - t1)) * 1000;
        const cpuPerM = ((ownCpuSeconds() + cpuOf(workers) + cpuOf(nats) - c0) / jsN) * 1e6;
        const pgCpuPerM = ((cpuOf(pg) - pg0) / jsN) * 1e6;
        measured.push({ rate, cpuPerM, pgCpuPerM });
        log(
          `MQTT -> JetStream -> ${run.name}: ${Math.round(rate)} readings/s, ${cpuPerM.toFixed(2)} CPU s per million (PostgreSQL ${pgCpuPerM.toFixed(2)})`,
        );
        await pub.endAsync();
      } finally {
        await broker?.close();
        await jlog?.close();
        await Promise.all(procs.map((p) => new Promise((r) => (p.once('exit', r), p.kill('SIGTERM')))));
        const nc = await natsConnect({ servers: process.env['LOADSCOPE_NATS_URL'] ?? '127.0.0.1:4222' });
        await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
        await nc.close();
        await pgt.destroy();
      }
    }
    const [one, two, unbatched] = measured as [
      (typeof measured)[0],
      (typeof measured)[0],
      (typeof measured)[0],
    ];
    rows.push({
      name: 'MQTT -> JetStream -> 1 worker -> PostgreSQL',
      value: Math.round(one.rate),
      unit: 'readings/s',
      baseline: { name: 'embedded chain (MQTT -> memory log -> DuckDB)', value: Math.round(embeddedRate) },
      ratio: one.rate / embeddedRate,
    });
    rows.push({
      name: 'MQTT -> JetStream -> 2 workers -> PostgreSQL',
      value: Math.round(two.rate),
      unit: 'readings/s',
      baseline: { name: '1 worker', value: Math.round(one.rate) },
      ratio: two.rate / one.rate,
      goal: '2 workers >= 1.5x 1 worker',
      met: two.rate >= 1.5 * one.rate,
    });
    rows.push({
      name: 'MQTT -> JetStream -> 1 worker, one store write per message (before)',
      value: Math.round(unbatched.rate),
      unit: 'readings/s',
      baseline: { name: '1 worker, grouped writes', value: Math.round(one.rate) },
      ratio: unbatched.rate / one.rate,
    });
    for (const [name, m] of [
      ['1 worker', one],
      ['2 workers', two],
      ['1 worker, one write per message', unbatched],
    ] as const) {
      rows.push({
        name: `scale-out chain, ${name}: CPU per million readings (this process, workers, nats-server)`,
        value: Number(m.cpuPerM.toFixed(2)),
        unit: 'CPU s',
        baseline: { name: 'embedded chain', value: Number(embeddedCpuPerM.toFixed(2)) },
        ratio: m.cpuPerM / embeddedCpuPerM,
        goal: 'within 2x of the embedded chain (PostgreSQL apart)',
        met: m.cpuPerM <= 2 * embeddedCpuPerM,
      });
      rows.push({
        name: `scale-out chain, ${name}: PostgreSQL CPU per million readings (all sessions)`,
        value: Number(m.pgCpuPerM.toFixed(2)),
        unit: 'CPU s',
      });
    }
    return rows;
  },
};

export default bench;
