/**
 * API latency under load: p50/p99 of a facility dashboard's data requests (summary with live values,
 * 30 days of energy with the previous period, one hour of mains for the chart) at a fixed 1,000
 * requests/s, against the trivial /api/healthz at the same rate in the same run. The load comes from a
 * worker thread (its own event loop) over keep-alive HTTP on loopback; the schedule is open-loop and
 * latency counts from the intended send time, so a stalled server cannot hide its queue.
 *
 * The same database is served twice in one run: first with one DuckDB read connection (every query
 * waits for the one before, as before the read pool), then with the store's default read pool, so
 * that the pool's effect is a ratio measured under the same machine load.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createApiToken } from '../src/api/accounts/service.ts';
import { buildServer } from '../src/api/server.ts';
import { loadConfig } from '../src/config.ts';
import type { Channel, ReadingBatch } from '../src/domain/types.ts';
import { DEFAULT_READ_CONNECTIONS, createDuckdbStore } from '../src/store/duckdb/index.ts';
import type { Bench, BenchRow } from './harness.ts';

const RATE = 1000;
const DAY = 86_400_000;

/** The load generator, plain JavaScript so that the worker needs no TypeScript loader. */
const LOAD_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { port, paths, headers, rate, seconds } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const total = Math.round(rate * seconds);
const lat = new Float64Array(total);
let sent = 0, done = 0, errors = 0;
const t0 = performance.now() + 20;
function fire(i) {
  const intended = t0 + (i * 1000) / rate;
  const req = http.request({ host: '127.0.0.1', port, path: paths[i % paths.length], agent, headers }, (res) => {
    if (res.statusCode !== 200) errors++;
    res.resume();
    res.on('end', () => { lat[i] = performance.now() - intended; if (++done === total) finish(); });
  });
  req.on('error', () => { errors++; lat[i] = performance.now() - intended; if (++done === total) finish(); });
  req.end();
}
function tick() {
  const due = Math.min(total, Math.floor(((performance.now() - t0) * rate) / 1000) + 1);
  while (sent < due) fire(sent++);
  if (sent < total) setTimeout(tick, 1);
}
function finish() {
  const s = Array.from(lat).sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  agent.destroy();
  parentPort.postMessage({ p50: q(0.5), p99: q(0.99), max: s[s.length - 1], errors, requests: total,
    seconds: (performance.now() - t0) / 1000 });
}
setTimeout(tick, 20);
`;

interface LoadResult {
  p50: number;
  p99: number;
  max: number;
  errors: number;
  requests: number;
  seconds: number;
}

function runLoad(data: {
  port: number;
  paths: string[];
  headers: Record<string, string>;
  rate: number;
  seconds: number;
}): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(LOAD_WORKER, { eval: true, workerData: data });
    w.once('message', (m: LoadResult) => {
      void w.terminate();
      resolve(m);
    });
    w.once('error', reject);
  });
}

const bench: Bench = {
  name: 'api',
  async run({ quick, tmpDir, log }) {
    const facilities = quick ? 5 : 20;
    const days = quick ? 2 : 7;
    const seconds = quick ? 3 : 10;
    await mkdir(tmpDir, { recursive: true });
    const path = join(tmpDir, 'api.duckdb');
    const store = await createDuckdbStore({ path });
    await store.migrate();
    const end = Date.UTC(2024, 5, 1);
    const start = end - days * DAY;
    await store.catalog.upsertOrganisations([{ id: 'bench', name: 'Bench org', createdAt: 0 }]);
    const channels: Channel[] = [];
    for (let f = 0; f < facilities; f++) {
      const id = `f${f}`;
      await store.catalog.upsertFacilities([
        {
          id,
          orgId: 'bench',
          name: `House ${f}`,
          kind: 'residential',
          address: null,
          zip: `1000${f % 5}`,
          timeZone: 'Europe/Berlin',
          tags: [],
          createdAt: 0,
        },
      ]);
      await store.catalog.upsertMeters([
        {
          id: `${id}-m`,
          facilityId: id,
          serviceType: 'electricity',
          utilityMeterNumber: null,
          serviceId: null,
          tariff: null,
          utility: null,
        },
      ]);
      for (const name of ['mains', 'fridge', 'kettle', 'heat-pump']) {
        channels.push({
          id: `${id}-${name}`,
          meterId: `${id}-m`,
          name,
          isMains: name === 'mains',
          appliance: name === 'mains' ? null : name,
          measurement: 'power',
          unit: 'W',
          intervalMs: 60_000,
          maxGapMs: null,
          rolloverAt: null,
        });
      }
    }
    await store.catalog.upsertChannels(channels);
    const n = days * 1440;
    log(`seeding ${facilities} facilities x 4 channels x ${n} one-minute readings`);
    for (const c of channels) {
      const ts = new Float64Array(n);
      const value = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        ts[i] = start + i * 60_000;
        value[i] = 200 + 150 * Math.sin(i / 90) + (i % 37);
      }
      const batch: ReadingBatch = {
        channelIds: [c.id],
        channel: new Int32Array(n),
        ts,
        value,
        quality: new Uint8Array(n),
        length: n,
      };
      await store.readings.write(batch);
    }
    await store.rollups.recompute('all');
    await store.live.upsertLatest(channels.map((c) => ({ channelId: c.id, ts: end - 1000, value: 321 })));
    const { token } = await createApiToken(
      { store, now: Date.now },
      { orgId: 'bench', name: 'bench', role: 'viewer', createdBy: null },
    );
    await store.close();
    // The seeded file twice, so that both servers are up at once and their runs can alternate.
    const single = join(tmpDir, 'api-1.duckdb');
    await copyFile(path, single);
    const dashboard: string[] = [];
    for (let f = 0; f < facilities; f++) {
      dashboard.push(`/api/v1/facilities/f${f}/summary`);
      dashboard.push(`/api/v1/facilities/f${f}/energy?period=day&from=${end - 30 * DAY}&to=${end}`);
      dashboard.push(`/api/v1/explore?channels=f${f}-mains&from=${end - 3_600_000}&to=${end}&width=800`);
    }
    const headers = { authorization: `Bearer ${token}` };
    const servers: Served[] = [];
    try {
      const one = await serve(single, 1, end - 1000, tmpDir);
      servers.push(one);
      const pooled = await serve(path, DEFAULT_READ_CONNECTIONS, end - 1000, tmpDir);
      servers.push(pooled);
      // Every run starts with a short warm-up of its server, so that JIT, DuckDB and the API's caches
      // are as warm for one server as for the other: a server left idle while the other one ran finds
      // its caches expired (rollups after 10 s), and refilling them all at once takes a second or two.
      const load = async (s: Served, paths: string[], rate: number) => {
        const warmUp = ['/api/healthz', ...dashboard];
        await runLoad({ port: s.port, paths: warmUp, headers, rate: 200, seconds: 1 });
        return runLoad({ port: s.port, paths, headers, rate, seconds });
      };
      log(`healthz at ${RATE}/s for ${seconds}s`);
      const base = await load(pooled, ['/api/healthz'], RATE);
      log(`healthz p50 ${base.p50.toFixed(2)} ms p99 ${base.p99.toFixed(2)} ms`);
      // Each server twice, in the order 1, pool, pool, 1, which cancels a steady drift in the load
      // that other work puts on the machine.
      const runs = new Map<Served, LoadResult[]>(servers.map((s) => [s, []]));
      for (const s of [one, pooled, pooled, one]) {
        log(`dashboard mix (${dashboard.length} URLs) at ${RATE}/s for ${seconds}s, ${s.label}`);
        const r = await load(s, dashboard, RATE);
        log(
          `dashboard p50 ${r.p50.toFixed(2)} ms p99 ${r.p99.toFixed(2)} ms max ${r.max.toFixed(1)} ms, ${rateOf(r).toFixed(0)} req/s, errors ${r.errors}`,
        );
        runs.get(s)!.push(r);
      }
      const [dashOne, dash] = [one, pooled].map((s) => combine(runs.get(s)!)) as [LoadResult, LoadResult];
      // The same mix below saturation: what one request costs when the machine is not the limit.
      const lightOne = await load(one, dashboard, 50);
      const light = await load(pooled, dashboard, 50);
      const lightBase = await load(pooled, ['/api/healthz'], 50);
      log(
        `at 50/s: dashboard p99 ${light.p99.toFixed(2)} ms (1 connection: ${lightOne.p99.toFixed(2)} ms), healthz p99 ${lightBase.p99.toFixed(2)} ms`,
      );
      const rows: BenchRow[] = [
        { name: 'healthz p99 at 1000 req/s', value: base.p99, unit: 'ms' },
        { name: 'dashboard data p50 at 1000 req/s', value: dash.p50, unit: 'ms' },
        {
          name: 'dashboard data p99 at 1000 req/s',
          value: dash.p99,
          unit: 'ms',
          baseline: { name: 'healthz p99', value: base.p99 },
          ratio: dash.p99 / base.p99,
          goal: 'p99 < 50 ms, no errors',
          met: dash.p99 < 50 && dash.errors === 0,
        },
        { name: 'dashboard achieved rate', value: rateOf(dash), unit: 'req/s' },
        {
          name: 'dashboard data p99 at 50 req/s',
          value: light.p99,
          unit: 'ms',
          baseline: { name: 'healthz p99 at 50 req/s', value: lightBase.p99 },
          ratio: light.p99 / lightBase.p99,
        },
        {
          name: `dashboard achieved rate, ${pooled.label} vs 1`,
          value: rateOf(dash),
          unit: 'req/s',
          baseline: { name: `dashboard achieved rate, ${one.label}`, value: rateOf(dashOne) },
          ratio: rateOf(dash) / rateOf(dashOne),
        },
        {
          name: `dashboard p99 at 1000 req/s, 1 read connection vs ${DEFAULT_READ_CONNECTIONS}`,
          value: dashOne.p99,
          unit: 'ms',
          baseline: { name: `dashboard p99 at 1000 req/s, ${pooled.label}`, value: dash.p99 },
          ratio: dashOne.p99 / dash.p99,
        },
        {
          name: `dashboard p99 at 50 req/s, 1 read connection vs ${DEFAULT_READ_CONNECTIONS}`,
          value: lightOne.p99,
          unit: 'ms',
          baseline: { name: `dashboard p99 at 50 req/s, ${pooled.label}`, value: light.p99 },
          ratio: lightOne.p99 / light.p99,
        },
      ];
      return rows;
    } finally {
      for (const s of servers) await s.close();
    }
  },
};

const rateOf = (r: LoadResult) => r.requests / r.seconds;

/** Several runs as one: their requests and time added up, the worse of their quantiles. */
function combine(runs: LoadResult[]): LoadResult {
  const worst = (k: 'p50' | 'p99' | 'max') => Math.max(...runs.map((r) => r[k]));
  const sum = (k: 'errors' | 'requests' | 'seconds') => runs.reduce((s, r) => s + r[k], 0);
  return {
    p50: worst('p50'),
    p99: worst('p99'),
    max: worst('max'),
    errors: sum('errors'),
    requests: sum('requests'),
    seconds: sum('seconds'),
  };
}

/** A listening API server on one store. */
interface Served {
  label: string;
  port: number;
  close(): Promise<void>;
}

/** Serves a seeded database file with `readConnections` DuckDB read connections. */
async function serve(path: string, readConnections: number, now: number, webDir: string): Promise<Served> {
  const store = await createDuckdbStore({ path, readConnections });
  const app = await buildServer({
    config: loadConfig({}, { LOADSCOPE_DUCKDB: ':memory:' }),
    store,
    now: () => now,
    webDir,
    announce: () => undefined,
  });
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
  } catch (err) {
    await store.close();
    throw err;
  }
  const address = app.server.address();
  return {
    label: `${readConnections} read connection${readConnections === 1 ? '' : 's'}`,
    port: typeof address === 'object' && address ? address.port : 0,
    async close() {
      await app.close();
      await store.close();
    },
  };
}

export default bench;
