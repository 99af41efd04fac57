/**
 * What durable acknowledgement costs (issue 13, item 11): HTTP ingest into the embedded column (memory
 * log, DuckDB file) with 202 sent once the store committed (`ack: 'handled'`, now) against 202 sent at
 * enqueue (`ack: 'queued'`, the old path that lost acknowledged readings on kill -9), in the same run:
 * - throughput: 8 clients each posting 200-reading batches back to back, readings/s until all are stored;
 * - latency of one request, p50 and p99, under that load and for one client alone.
 */
import { loadavg } from 'node:os';
import { createChannelDirectory } from '../src/realtime/directory.ts';
import { TEST_TOKENS, seedFleet, testDeviceAuth } from '../src/realtime/fixtures.ts';
import { realtimeRoutes } from '../src/api/routes/realtime/index.ts';
import { createTestHost, devicePrincipals } from '../src/api/test-host.ts';
import { createEventHub } from '../src/realtime/hub.ts';
import { createIngest } from '../src/realtime/ingest.ts';
import { createMemoryLog } from '../src/realtime/log/memory/index.ts';
import { runConsumer } from '../src/realtime/log/run.ts';
import type { ReadingLog } from '../src/realtime/log/port.ts';
import { createPipeline } from '../src/realtime/pipeline.ts';
import { createQuarantine } from '../src/realtime/quarantine.ts';
import { STORE_FACTORIES } from '../src/store/contract/factories.ts';
import type { Bench, BenchRow } from './harness.ts';

type Ack = 'handled' | 'queued';

interface Measured {
  readingsPerSecond: number;
  p50: number;
  p99: number;
  serialP50: number;
}

const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** Serves HTTP ingest over a fresh DuckDB store with the memory log acknowledging as `ack` says. */
async function measure(ack: Ack, clients: number, requests: number, size: number): Promise<Measured> {
  const t = await STORE_FACTORIES.find((f) => f.kind === 'duckdb')!.open();
  const app = createTestHost({ store: t.store, principalOf: devicePrincipals(testDeviceAuth()) });
  const memlog = createMemoryLog({ ack });
  const directory = createChannelDirectory({ catalog: t.store.catalog });
  const hub = createEventHub();
  const pipeline = createPipeline({ store: t.store, directory, hub }, { flushMs: 1000 });
  try {
    await seedFleet(t.store, clients + 1);
    await pipeline.start();
    runConsumer(memlog, pipeline.persist);
    // Wired as the embedded app does: processors at ingest, the log feeds the store writer.
    const log: ReadingLog = {
      ...memlog,
      append: async (b) => {
        await pipeline.process(b);
        await memlog.append(b);
      },
    };
    const quarantine = createQuarantine();
    const ingest = createIngest({
      directory,
      log,
      quarantine,
      limits: { maxPayloadBytes: 4 << 20, rate: { perSecond: 1e9, burst: 1e9 } },
    });
    await app.register(
      realtimeRoutes({ ingest, deviceAuth: testDeviceAuth(), store: t.store, directory, hub, quarantine }),
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/api/v1/readings`;
    // One channel per client, and one for the lone client: the mains of o1's meters m1..m<clients+1>.
    const channels = Array.from({ length: clients + 1 }, (_, c) => `m${c + 1}.mains`);
    const t0 = Date.now() - 86_400_000;
    const post = async (channel: string, k: number): Promise<number> => {
      const readings = Array.from({ length: size }, (_, i) => ({ channel, ts: t0 + k * size + i, value: i }));
      const s = performance.now();
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_TOKENS.gateway}` },
        body: JSON.stringify({ readings }),
      });
      await res.arrayBuffer();
      if (res.status !== 202) throw new Error(`HTTP ${res.status}`);
      return performance.now() - s;
    };
    const lat: number[] = [];
    const start = performance.now();
    await Promise.all(
      channels.slice(0, clients).map(async (ch) => {
        for (let k = 0; k < requests; k++) lat.push(await post(ch, k));
      }),
    );
    const total = clients * requests * size;
    while ((await t.store.readings.count()) < total) await new Promise((r) => setTimeout(r, 5));
    const seconds = (performance.now() - start) / 1000;
    const serial: number[] = [];
    const lone = channels[clients]!;
    for (let k = 0; k < Math.max(20, requests / 2); k++) serial.push(await post(lone, k));
    lat.sort((a, b) => a - b);
    serial.sort((a, b) => a - b);
    return {
      readingsPerSecond: total / seconds,
      p50: pct(lat, 50),
      p99: pct(lat, 99),
      serialP50: pct(serial, 50),
    };
  } finally {
    await app.close();
    await memlog.close();
    await pipeline.stop();
    await t.destroy();
  }
}

const bench: Bench = {
  name: 'ack',
  async run({ quick, log }) {
    const clients = 8;
    const requests = quick ? 40 : 150;
    const size = 200;
    // Old path first, then the new, then the old again: the machine is shared, so the baseline is the
    // mean of the two old runs around the new one.
    const before = await measure('queued', clients, requests, size);
    const now = await measure('handled', clients, requests, size);
    const after = await measure('queued', clients, requests, size);
    const load = loadavg()[0]!;
    const old = {
      readingsPerSecond: (before.readingsPerSecond + after.readingsPerSecond) / 2,
      p50: (before.p50 + after.p50) / 2,
      p99: (before.p99 + after.p99) / 2,
      serialP50: (before.serialP50 + after.serialP50) / 2,
    };
    log(
      `202 after commit: ${Math.round(now.readingsPerSecond)} readings/s, p50 ${now.p50.toFixed(1)} ms, p99 ${now.p99.toFixed(1)} ms, alone ${now.serialP50.toFixed(1)} ms; ` +
        `202 at enqueue: ${Math.round(old.readingsPerSecond)} readings/s, p50 ${old.p50.toFixed(1)} ms, p99 ${old.p99.toFixed(1)} ms, alone ${old.serialP50.toFixed(1)} ms; load average ${load.toFixed(2)}`,
    );
    const rows: BenchRow[] = [
      {
        name: `HTTP ingest, 202 after commit (${clients} clients x ${size})`,
        value: Math.round(now.readingsPerSecond),
        unit: 'readings/s',
        baseline: { name: '202 at enqueue (old)', value: Math.round(old.readingsPerSecond) },
        ratio: now.readingsPerSecond / old.readingsPerSecond,
        goal: 'no acknowledged reading lost; cost measured',
      },
      {
        name: 'HTTP ingest latency p50, 202 after commit (loaded)',
        value: Number(now.p50.toFixed(1)),
        unit: 'ms',
        baseline: { name: '202 at enqueue (old)', value: Number(old.p50.toFixed(1)) },
        ratio: now.p50 / old.p50,
      },
      {
        name: 'HTTP ingest latency p99, 202 after commit (loaded)',
        value: Number(now.p99.toFixed(1)),
        unit: 'ms',
        baseline: { name: '202 at enqueue (old)', value: Number(old.p99.toFixed(1)) },
        ratio: now.p99 / old.p99,
      },
      {
        name: 'HTTP ingest latency p50, 202 after commit (one client)',
        value: Number(now.serialP50.toFixed(1)),
        unit: 'ms',
        baseline: { name: '202 at enqueue (old)', value: Number(old.serialP50.toFixed(1)) },
        ratio: now.serialP50 / old.serialP50,
      },
      { name: 'load average (1 min) at the end', value: Number(load.toFixed(2)), unit: '' },
    ];
    return rows;
  },
};

export default bench;
