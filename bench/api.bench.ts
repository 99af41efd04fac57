/**
 * API latency under open-loop load (issue 12): the dashboard mix of each facility - live summary,
 * facility day view (30 local days of energy with the 30 before), zip view (30 days), explore of a
 * year of its mains (hour rollups) and of its last hour (raw readings) - offered at 250, 500 and
 * 1,000 requests/s (bench/api-load.ts: constant arrival rate, latency from the intended send time),
 * with two baselines in the same run and process: `/api/healthz` at the same rate (the floor of
 * Fastify, the loopback and the load generator on this machine), and the same mix served as before the
 * serving layer (only rollup views cached, for 10 s; every other answer read from the store per
 * request). Both servers share one store.
 *
 * The store: `LOADSCOPE_BENCH_API_STORE=<file.duckdb>` serves a large prebuilt one (docs/api.md says
 * how to build it with `loadscope simulate --load` and `loadscope batch --full`); without it, a small
 * one is seeded (5 or 20 houses, 2 or 7 days of one-minute readings).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createApiToken } from '../src/api/accounts/service.ts';
import { buildServer, type ServerOptions } from '../src/api/server.ts';
import { loadConfig } from '../src/config.ts';
import type { Channel, Facility, ReadingBatch } from '../src/domain/types.ts';
import { createDuckdbStore } from '../src/store/duckdb/index.ts';
import type { Store } from '../src/store/store.ts';
import { type LoadResult, rateOf, runLoad } from './api-load.ts';
import type { Bench, BenchRow } from './harness.ts';

const RATES = [250, 500, 1000] as const;
const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Kinds of request in the mix, in the order of each facility's URLs. */
const KINDS = ['summary', 'day view', 'zip view', 'explore year', 'explore hour'] as const;

const bench: Bench = {
  name: 'api',
  async run({ quick, tmpDir, log }) {
    const seconds = quick ? 3 : 10;
    const prebuilt = process.env['LOADSCOPE_BENCH_API_STORE'];
    await mkdir(tmpDir, { recursive: true });
    const path = prebuilt ?? join(tmpDir, 'api.duckdb');
    const store = await createDuckdbStore({ path });
    const servers: Served[] = [];
    try {
      await store.migrate();
      if (!prebuilt) await seed(store, quick ? 5 : 20, quick ? 2 : 7, log);
      const mix = await dashboardMix(store);
      const readings = await store.readings.count();
      log(
        `store: ${prebuilt ?? 'seeded'}: ${readings.toLocaleString('en')} readings, ${mix.facilities} facilities, mix of ${mix.paths.length} URLs, data up to ${new Date(mix.end).toISOString()}`,
      );
      const headers = { authorization: `Bearer ${mix.token}` };
      const serving = await serve(store, mix.end, tmpDir, 'serving layer', {});
      servers.push(serving);
      // As before the serving layer: rollup views cached for 10 s, nothing else.
      const before = await serve(store, mix.end, tmpDir, 'before (rollup cache only)', {
        cacheTtlMs: { rollups: 10_000, live: 0, readings: 0 },
      });
      servers.push(before);

      const rows: BenchRow[] = [
        { name: 'store readings', value: readings, unit: 'readings' },
        { name: 'facilities in the mix', value: mix.facilities, unit: 'facilities' },
      ];
      // Cold: the first request of each kind on the fresh serving server, one at a time (what a
      // request costs right after a batch run committed and dropped the answers it touched).
      for (let k = 0; k < KINDS.length; k++) {
        const t0 = performance.now();
        const res = await fetch(`http://127.0.0.1:${serving.port}${mix.paths[k]}`, { headers });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${mix.paths[k]} answered ${res.status}`);
        rows.push({ name: `cold ${KINDS[k]}`, value: performance.now() - t0, unit: 'ms' });
      }
      const load = async (s: Served, paths: string[], kinds: string[], rate: number) => {
        // A short warm-up, so that JIT and caches are as warm for one server as for the other.
        await runLoad({ port: s.port, paths: mix.paths, kinds: mix.kinds, headers, rate: 200, seconds: 1 });
        await s.idle();
        const cpu = process.cpuUsage();
        const r = await runLoad({ port: s.port, paths, kinds, headers, rate, seconds });
        // Requests that timed out are still being worked on: let them finish before the next run.
        await s.idle();
        const used = process.cpuUsage(cpu);
        // CPU of this process (server, store, and the load generator's thread) per request, timed-out
        // ones included (answered before idle() resolved): what the load average cannot blur.
        return { ...r, cpuMs: (used.user + used.system) / 1000 / Math.max(1, r.requests) };
      };
      const describe = (r: LoadResult & { cpuMs: number }) =>
        `p50 ${r.p50.toFixed(1)} ms p99 ${r.p99.toFixed(1)} ms max ${r.max.toFixed(1)} ms, ${rateOf(r).toFixed(0)} req/s, errors ${r.errors}, timeouts ${r.timeouts}, CPU ${r.cpuMs.toFixed(2)} ms/request`;
      for (const rate of RATES) {
        const base = await load(serving, ['/api/healthz'], ['healthz'], rate);
        log(`${rate}/s healthz: ${describe(base)}`);
        const served = await load(serving, mix.paths, mix.kinds, rate);
        log(`${rate}/s mix, ${serving.label}: ${describe(served)}`);
        for (const [k, q] of Object.entries(served.perKind))
          log(`    ${k}: p50 ${q.p50.toFixed(1)} ms p99 ${q.p99.toFixed(1)} ms max ${q.max.toFixed(1)} ms`);
        const old = await load(before, mix.paths, mix.kinds, rate);
        log(`${rate}/s mix, ${before.label}: ${describe(old)}`);
        const goal = rate === 1000;
        rows.push(
          { name: `healthz p99 at ${rate} req/s`, value: base.p99, unit: 'ms' },
          { name: `dashboard mix p50 at ${rate} req/s`, value: served.p50, unit: 'ms' },
          {
            name: `dashboard mix p99 at ${rate} req/s`,
            value: served.p99,
            unit: 'ms',
            baseline: { name: `healthz p99 at ${rate} req/s`, value: base.p99 },
            ratio: served.p99 / base.p99,
            ...(goal
              ? {
                  goal: 'p99 < 50 ms, no errors',
                  met: served.p99 < 50 && served.errors + served.timeouts === 0,
                }
              : {}),
          },
          { name: `dashboard mix max at ${rate} req/s`, value: served.max, unit: 'ms' },
          {
            name: `dashboard mix CPU per request at ${rate} req/s`,
            value: served.cpuMs,
            unit: 'ms',
            baseline: { name: `healthz CPU per request at ${rate} req/s`, value: base.cpuMs },
            ratio: served.cpuMs / base.cpuMs,
          },
          {
            name: `dashboard mix CPU per request at ${rate} req/s, before the serving layer`,
            value: old.cpuMs,
            unit: 'ms',
            baseline: {
              name: `dashboard mix CPU per request at ${rate} req/s, serving layer`,
              value: served.cpuMs,
            },
            ratio: old.cpuMs / served.cpuMs,
          },
          { name: `dashboard mix achieved rate at ${rate} req/s`, value: rateOf(served), unit: 'req/s' },
          {
            name: `dashboard mix p99 at ${rate} req/s, before the serving layer`,
            value: old.p99,
            unit: 'ms',
            baseline: { name: `dashboard mix p99 at ${rate} req/s, serving layer`, value: served.p99 },
            ratio: old.p99 / served.p99,
          },
          {
            name: `dashboard mix achieved rate at ${rate} req/s, before the serving layer`,
            value: rateOf(old),
            unit: 'req/s',
          },
        );
        if (goal)
          for (const kind of ['day view', 'zip view', 'explore year'])
            rows.push({
              name: `${kind} p99 in the mix at ${rate} req/s`,
              value: served.perKind[kind]?.p99 ?? NaN,
              unit: 'ms',
              goal: 'p99 < 50 ms',
              met: (served.perKind[kind]?.p99 ?? Infinity) < 50,
            });
      }
      return rows;
    } finally {
      for (const s of servers) await s.close();
      await store.close();
    }
  },
};

/** The dashboard's URLs for every facility with a power mains channel, and a viewer token of their organisation. */
async function dashboardMix(
  store: Store,
): Promise<{ paths: string[]; kinds: string[]; token: string; end: number; facilities: number }> {
  const facilities = await store.catalog.listFacilities();
  const channels = await store.catalog.listChannels();
  const meters = new Map((await store.catalog.listMeters()).map((m) => [m.id, m.facilityId]));
  const mainsOf = new Map<string, Channel>();
  for (const c of channels) {
    const f = meters.get(c.meterId);
    if (f && c.isMains && c.measurement === 'power' && c.unit === 'W' && !mainsOf.has(f)) mainsOf.set(f, c);
  }
  const served = facilities.filter((f) => mainsOf.has(f.id));
  const orgId = served[0]?.orgId;
  if (!orgId) throw new Error('the store has no facility with a power mains channel in W');
  const mine = served.filter((f: Facility) => f.orgId === orgId);
  const extent = await store.readings.extent(mainsOf.get(mine[0]!.id)!.id);
  const end = Math.ceil((extent?.to ?? Date.now()) / HOUR) * HOUR;
  const paths: string[] = [];
  const kinds: string[] = [];
  const month = `from=${end - 30 * DAY}&to=${end}`;
  for (const f of mine) {
    const mains = mainsOf.get(f.id)!.id;
    paths.push(
      `/api/v1/facilities/${f.id}/summary`,
      `/api/v1/facilities/${f.id}/energy?period=day&${month}`,
      `/api/v1/zips?${month}`,
      `/api/v1/explore?channels=${mains}&from=${end - 365 * DAY}&to=${end}&width=1000`,
      `/api/v1/explore?channels=${mains}&from=${end - HOUR}&to=${end}&width=800`,
    );
    kinds.push(...KINDS);
  }
  const { token } = await createApiToken(
    { store, now: Date.now },
    { orgId, name: 'bench', role: 'viewer', createdBy: null },
  );
  return { paths, kinds, token, end, facilities: mine.length };
}

/** Seeds `facilities` houses with 4 one-minute power channels each over `days`, and their rollups. */
async function seed(store: Store, facilities: number, days: number, log: (l: string) => void): Promise<void> {
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
}

/** A listening API server. */
interface Served {
  label: string;
  port: number;
  /** Resolves once the server has answered every request it received (timed-out ones included). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Serves `store` (shared, not closed here) with the clock at `now`. */
async function serve(
  store: Store,
  now: number,
  webDir: string,
  label: string,
  opts: Partial<ServerOptions>,
): Promise<Served> {
  const app = await buildServer({
    config: loadConfig({}, { LOADSCOPE_DUCKDB: ':memory:' }),
    store,
    now: () => now,
    webDir,
    announce: () => undefined,
    ...opts,
  });
  let inFlight = 0;
  app.addHook('onRequest', async () => {
    inFlight++;
  });
  app.addHook('onResponse', async () => {
    inFlight--;
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  return {
    label,
    port: typeof address === 'object' && address ? address.port : 0,
    async idle() {
      for (let i = 0; i < 1200 && inFlight > 0; i++) await new Promise((r) => setTimeout(r, 100));
    },
    close: () => app.close(),
  };
}

export default bench;
