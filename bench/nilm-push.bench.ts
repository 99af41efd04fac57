/**
 * Live NILM push latency on the whole platform (`createApp` on the embedded defaults, the simulated
 * fleet streaming alongside): the time from sending the HTTP reading that closes a model period of a
 * facility to the `nilm` event of that period reaching an SSE client of the facility, p50/p99/max.
 * The reading goes through ingest, the processors, the memory log and live NILM's own queue, the
 * disaggregation, the hub and the SSE socket.
 */
import { createApiToken } from '../src/api/accounts/service.ts';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { readSseEvents } from '../src/realtime/testing/sse-events.ts';
import { electricityMeter, plainFacility, powerMains } from '../src/store/contract/fixtures.ts';
import type { Bench, BenchRow } from './harness.ts';
import { silentLogger } from '../src/util/logger.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const bench: Bench = {
  name: 'nilm-push',
  async run({ quick, tmpDir, log }) {
    const config = loadConfig(
      {},
      {
        LOADSCOPE_DATA_DIR_STATE: tmpDir,
        LOADSCOPE_PORT: '0',
        LOADSCOPE_MQTT_PORT: '0',
        LOADSCOPE_SIM_METERS: quick ? '4' : '12',
        LOADSCOPE_SIM_BACKFILL_DAYS: '1',
        LOADSCOPE_SEED: '7',
      },
    );
    const app = createApp(config, { logger: silentLogger() });
    const started = await app.start();
    const ctl = new AbortController();
    try {
      const s = app.store;
      const orgId = (await s.catalog.listFacilities())[0]!.orgId;
      const periodMs = (await s.nilm.listModels())[0]!.model.periodMs;
      const token = (
        await createApiToken(
          { store: s, now: Date.now },
          { orgId, name: 'bench', role: 'admin', createdBy: null },
        )
      ).token;
      // A facility of our own with one mains channel, so that only this bench closes its periods.
      const facilityId = 'bench-nilm-push';
      await s.catalog.upsertFacilities([plainFacility(facilityId, orgId, 'nilm push')]);
      await s.catalog.upsertMeters([electricityMeter(`${facilityId}.m`, facilityId)]);
      const channel = `${facilityId}.mains`;
      await s.catalog.upsertChannels([powerMains(channel, `${facilityId}.m`)]);

      const arrived = new Map<number, number>();
      const res = await fetch(`${started.httpUrl}/api/v1/live?facilityId=${facilityId}`, {
        headers: { authorization: `Bearer ${token}` },
        signal: ctl.signal,
      });
      void readSseEvents(res.body!, (type, data) => {
        if (type === 'nilm')
          arrived.set((JSON.parse(data) as { breakdown: { ts: number } }).breakdown.ts, performance.now());
      });

      // Two readings per period (its start and its middle); the first of period k closes period k - 1.
      const t0 = Math.floor((Date.now() - 3_600_000) / periodMs) * periodMs;
      const post = async (k: number): Promise<number> => {
        const ts = t0 + k * periodMs;
        const body = JSON.stringify({
          readings: [
            { channel, ts, value: 300 + (k % 7) * 200 },
            { channel, ts: ts + periodMs / 2, value: 300 + (k % 7) * 200 },
          ],
        });
        const sent = performance.now();
        const r = await fetch(`${started.httpUrl}/api/v1/readings`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body,
        });
        if (r.status !== 202) throw new Error(`ingest answered ${r.status}: ${await r.text()}`);
        return sent;
      };
      // Until ingest and live NILM know the new channel (each reloads on a miss, at most every 5 s).
      let k = 0;
      while (arrived.size === 0) {
        if (k > 200) throw new Error('no nilm event for the bench facility');
        await post(k++).catch(() => undefined);
        await sleep(250);
      }
      const n = quick ? 40 : 200;
      const lat: number[] = [];
      for (let i = 0; i < n; i++, k++) {
        const sent = await post(k);
        const closed = t0 + (k - 1) * periodMs;
        for (let w = 0; w < 200 && !arrived.has(closed); w++) await sleep(1);
        const at = arrived.get(closed);
        if (at !== undefined) lat.push(at - sent);
        await sleep(50);
      }
      lat.sort((a, b) => a - b);
      const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] ?? NaN;
      log(
        `nilm push over ${lat.length}/${n} periods (${periodMs / 1000} s model): p50 ${pct(50).toFixed(1)} ms, p99 ${pct(99).toFixed(1)} ms, max ${lat.at(-1)?.toFixed(1)} ms`,
      );
      const rows: BenchRow[] = [
        {
          name: 'reading closing a period -> nilm SSE event, p50',
          value: Number(pct(50).toFixed(1)),
          unit: 'ms',
        },
        {
          name: 'reading closing a period -> nilm SSE event, p99',
          value: Number(pct(99).toFixed(1)),
          unit: 'ms',
          goal: '< 100 ms (as alerts)',
          met: pct(99) < 100,
        },
        {
          name: 'reading closing a period -> nilm SSE event, max',
          value: Number((lat.at(-1) ?? NaN).toFixed(1)),
          unit: 'ms',
        },
        { name: 'nilm events received / periods closed', value: lat.length / n, unit: 'ratio' },
      ];
      return rows;
    } finally {
      ctl.abort();
      await app.stop();
    }
  },
};

export default bench;
