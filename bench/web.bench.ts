/**
 * Web: a one-million-reading explore query from request to drawn chart in Chromium (the page asks the
 * API for one min/max bucket per pixel; the database downsamples), against drawing the same million
 * points with uPlot from memory in the same browser. Also the API's share of the time (the same
 * /explore request from Node). Goal: request to drawn under 1 s.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createUser } from '../src/api/accounts/service.ts';
import { buildServer } from '../src/api/server.ts';
import { loadConfig } from '../src/config.ts';
import { createDuckdbStore } from '../src/store/duckdb/index.ts';
import { CHROMIUM, CHROMIUM_ARGS, e2eUnavailable } from '../test/e2e/harness.ts';
import type { Bench, BenchRow } from './harness.ts';
import { powerMains } from '../src/store/contract/fixtures.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PASSWORD = 'bench password 1';
const T0 = Date.UTC(2026, 0, 1);

/** The synthetic signal, written the same way in Node and in the page (a daily wave plus noise). */
const SIGNAL = (i: number): number => 500 + 300 * Math.sin(i / 13_750) + ((i * 7919) % 200);

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const bench: Bench = {
  name: 'web',
  async run({ quick, tmpDir, log }) {
    const why = e2eUnavailable();
    if (why) throw new Error(why);
    const n = quick ? 100_000 : 1_000_000;
    const reps = quick ? 3 : 5;
    await mkdir(tmpDir, { recursive: true });
    const store = await createDuckdbStore({ path: join(tmpDir, 'web.duckdb'), threads: 2 });
    await store.migrate();
    await store.catalog.upsertOrganisations([{ id: 'bench', name: 'Bench', createdAt: T0 }]);
    await store.catalog.upsertFacilities([
      {
        id: 'bf',
        orgId: 'bench',
        name: 'Bench site',
        kind: 'commercial',
        address: null,
        zip: '10115',
        timeZone: 'UTC',
        tags: [],
        createdAt: T0,
      },
    ]);
    await store.catalog.upsertMeters([
      {
        id: 'bm',
        facilityId: 'bf',
        serviceType: 'electricity',
        utilityMeterNumber: null,
        serviceId: null,
        tariff: null,
        utility: null,
      },
    ]);
    await store.catalog.upsertChannels([powerMains('bc', 'bm')]);
    const ts = new Float64Array(n);
    const value = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      ts[i] = T0 + i * 1000;
      value[i] = SIGNAL(i);
    }
    await store.readings.write({
      channelIds: ['bc'],
      channel: new Int32Array(n),
      ts,
      value,
      quality: new Uint8Array(n),
      length: n,
    });
    await createUser(
      { store, now: Date.now },
      { orgId: 'bench', email: 'bench', role: 'admin', password: PASSWORD },
    );
    log(`stored ${n.toLocaleString()} readings`);
    const app = await buildServer({
      config: loadConfig({}, { LOADSCOPE_DUCKDB: ':memory:' }),
      store,
      webDir: join(ROOT, 'web/dist'),
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address();
    const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    const to = T0 + n * 1000;
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
      await page.goto(`${base}/`);
      await page.fill('input[name=email]', 'bench');
      await page.fill('input[name=password]', PASSWORD);
      await page.click('button[type=submit]');
      await page.waitForSelector('[data-testid=fleet-table]');

      // The API alone: the same request from Node.
      const login = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'bench', password: PASSWORD }),
      });
      const cookie = login.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const api: number[] = [];
      for (let r = 0; r < reps; r++) {
        const t = performance.now();
        const res = await fetch(
          `${base}/api/v1/explore?channels=bc&from=${T0}&to=${to}&agg=auto&width=1200`,
          { headers: { cookie } },
        );
        if (!res.ok) throw new Error(`GET /explore answered ${res.status}: ${await res.text()}`);
        await res.json();
        api.push(performance.now() - t);
      }

      // Request to drawn, in the browser: the page stamps the request start and the chart's draw.
      const shown: number[] = [];
      let buckets = 0;
      for (let r = 0; r < reps; r++) {
        await page.goto(`${base}/explore?channels=bc&from=${T0}&to=${to}`);
        const ms = await page
          .waitForFunction(
            () => {
              const req = Number(
                document.querySelector('[data-testid=explore-status]')?.getAttribute('data-requested-at'),
              );
              const drawn = Number(
                document.querySelector<HTMLElement>('[data-testid=explore-chart]')?.dataset['drawnAt'],
              );
              return req > 0 && drawn > req ? drawn - req : false;
            },
            undefined,
            { timeout: 60_000, polling: 'raf' },
          )
          .catch(async (e: unknown) => {
            await page.screenshot({ path: '/tmp/lsweb/bench-fail.png' });
            throw e;
          });
        shown.push((await ms.jsonValue()) as number);
        buckets = Number(await page.getAttribute('[data-testid=explore-chart]', 'data-points'));
      }
      const status = (await page.textContent('[data-testid=explore-status]')) ?? '';
      log(`explore page: ${status}`);
      if (!status.includes(n.toLocaleString('en-US')) && !status.includes(n.toLocaleString())) {
        throw new Error(`the chart does not cover the ${n} readings: ${status}`);
      }

      // The same million points drawn by uPlot from memory in the same browser.
      await page.addScriptTag({ path: join(ROOT, 'node_modules/uplot/dist/uPlot.iife.min.js') });
      const inMemory: number[] = [];
      for (let r = 0; r < reps; r++) {
        inMemory.push(
          await page.evaluate(
            async ({ n, t0, signal }) => {
              const f = new Function('i', `return ${signal}`) as (i: number) => number;
              const x = new Float64Array(n);
              const y = new Float64Array(n);
              for (let i = 0; i < n; i++) {
                x[i] = t0 + i * 1000;
                y[i] = f(i);
              }
              const el = document.createElement('div');
              document.body.appendChild(el);
              const U = (
                window as unknown as {
                  uPlot: new (o: object, d: unknown, el: HTMLElement) => { destroy(): void };
                }
              ).uPlot;
              const start = performance.now();
              const drawn = await new Promise<number>((resolve) => {
                const u = new U(
                  {
                    width: 1200,
                    height: 380,
                    ms: 1,
                    scales: { x: { time: true } },
                    series: [{}, { stroke: '#0b7a75', width: 1.25, points: { show: false } }],
                    hooks: { draw: [() => resolve(performance.now())] },
                  },
                  [x, y],
                  el,
                );
                setTimeout(() => u.destroy(), 0);
              });
              el.remove();
              return drawn - start;
            },
            { n, t0: T0, signal: SIGNAL.toString().replace(/^\(i\) => /, '') },
          ),
        );
      }

      const e2e = median(shown) / 1000;
      const mem = median(inMemory) / 1000;
      const server = median(api) / 1000;
      log(
        `request->drawn ms ${shown.map((x) => x.toFixed(0)).join(' ')}; in-memory ms ${inMemory.map((x) => x.toFixed(0)).join(' ')}; API ms ${api.map((x) => x.toFixed(0)).join(' ')}`,
      );
      const rows: BenchRow[] = [
        {
          name: `explore ${n.toLocaleString('en-US')} readings: request -> drawn (${buckets} buckets)`,
          value: e2e,
          unit: 's',
          baseline: { name: `uPlot draw of ${n.toLocaleString('en-US')} points in memory`, value: mem },
          ratio: e2e / mem,
          goal: '< 1 s from request to drawn chart',
          met: e2e < 1,
        },
        {
          name: 'GET /explore alone (server, from Node)',
          value: server,
          unit: 's',
          baseline: { name: 'request -> drawn', value: e2e },
          ratio: server / e2e,
        },
      ];
      return rows;
    } finally {
      await browser.close();
      await app.close();
      await store.close();
    }
  },
};

export default bench;
