/**
 * The composition root end to end on the embedded defaults: DuckDB, memory log, aedes, a small
 * simulated fleet; an API token of the first organisation posts readings over HTTP and MQTT, reads
 * latest values, sees the fleet stream live over SSE, and the app stops cleanly.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from './api/accounts/service.ts';
import { type App, type StartedApp, createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { silentLogger } from './util/logger.ts';

describe('createApp on the embedded defaults', () => {
  let dir: string;
  let app: App;
  let started: StartedApp;
  let token: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loadscope-app-'));
    const config = loadConfig(
      {},
      {
        LOADSCOPE_DATA_DIR_STATE: dir,
        LOADSCOPE_PORT: '0',
        LOADSCOPE_MQTT_PORT: '0',
        LOADSCOPE_SIM_METERS: '4',
        LOADSCOPE_SEED: '7',
      },
    );
    app = createApp(config, { logger: silentLogger(), pipeline: { flushMs: 200 } });
    started = await app.start();
    token = (
      await createApiToken(
        { store: app.store, now: Date.now },
        { orgId: 'default', name: 'test', role: 'admin', createdBy: null },
      )
    ).token;
  });
  afterAll(async () => {
    await app?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the URLs and the first administrator', () => {
    expect(started.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(started.mqttUrl).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    expect(started.firstAdmin?.email).toBe('admin');
  });

  it('ingests over HTTP and MQTT with an API token and serves latest values', async () => {
    const channels = await app.store.catalog.listChannels();
    const mains = channels.find((c) => c.isMains && c.unit === 'W') ?? channels[0]!;
    const now = Date.now();
    const res = await fetch(`${started.httpUrl}/api/v1/readings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ readings: [{ channel: mains.id, ts: now + 1, value: 1234.5 }] }),
    });
    expect(res.status).toBe(202);
    const meter = await app.store.catalog.getMeter(mains.meterId);
    const c = await mqtt.connectAsync(started.mqttUrl, {
      username: 'x',
      password: token,
      reconnectPeriod: 0,
    });
    await c.publishAsync(
      `loadscope/default/${meter!.id}/${mains.name}`,
      JSON.stringify({ ts: now + 2, value: 4321 }),
      { qos: 1 },
    );
    await c.endAsync();
    for (let i = 0; i < 100; i++) {
      const latest = (await (
        await fetch(`${started.httpUrl}/api/v1/live/latest?facilityId=${meter!.facilityId}`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).json()) as { channelId: string; value: number }[];
      if (latest.find((l) => l.channelId === mains.id)?.value === 4321) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('latest value never arrived');
  });

  it('rejects ingest without a valid token', async () => {
    const res = await fetch(`${started.httpUrl}/api/v1/readings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"readings":[]}',
    });
    expect(res.status).toBe(401);
    const res2 = await fetch(`${started.httpUrl}/api/v1/alerts`);
    expect(res2.status).toBe(401);
  });

  it('streams the simulated fleet over Server-Sent Events', async () => {
    const facility = (await app.store.catalog.listFacilities({ orgId: 'default' }))[0]!;
    const ctl = new AbortController();
    const res = await fetch(`${started.httpUrl}/api/v1/live?facilityId=${facility.id}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: ctl.signal,
    });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    const deadline = Date.now() + 15_000;
    while (!text.includes('event: readings') && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    ctl.abort();
    expect(text).toContain('event: readings');
    expect(text).toContain(facility.id);
  });
});

describe('createApp with a per-device ingest limit from the environment', () => {
  it('refuses what a device sends above LOADSCOPE_INGEST_RATE and its burst, naming the limit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loadscope-app-limit-'));
    const config = loadConfig(
      {},
      {
        LOADSCOPE_DATA_DIR_STATE: dir,
        LOADSCOPE_PORT: '0',
        LOADSCOPE_MQTT_PORT: '0',
        LOADSCOPE_SIM_METERS: '1',
        LOADSCOPE_SIM_BACKFILL_DAYS: '0',
        LOADSCOPE_BATCH_EVERY: '0',
        LOADSCOPE_INGEST_RATE: '1',
        LOADSCOPE_INGEST_BURST: '2',
      },
    );
    const app = createApp(config, { logger: silentLogger(), pipeline: { flushMs: 200 } });
    try {
      const started = await app.start();
      const { token } = await createApiToken(
        { store: app.store, now: Date.now },
        { orgId: 'default', name: 'limited', role: 'admin', createdBy: null },
      );
      const channel = (await app.store.catalog.listChannels())[0]!;
      const now = Date.now();
      const res = await fetch(`${started.httpUrl}/api/v1/readings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          readings: [1, 2, 3, 4, 5].map((i) => ({ channel: channel.id, ts: now - 10_000 + i, value: i })),
        }),
      });
      const body = JSON.stringify(await res.json());
      expect(body).toMatch(/rate limit: device '[^']+' may send 1 readings\/s \(burst 2\)/);
    } finally {
      await app.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
