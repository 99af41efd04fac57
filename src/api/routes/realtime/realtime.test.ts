/**
 * HTTP ingest, the bad-input suite, alerts, rules and the live push, in-process on a test host (the
 * API's error boundary, zod schemas and access control, callers from the fixture's device tokens)
 * over a real DuckDB store, the memory log and the pipeline.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannelDirectory } from '../../../realtime/directory.ts';
import { TEST_TOKENS, seedFleet, testDeviceAuth } from '../../../realtime/fixtures.ts';
import { createEventHub } from '../../../realtime/hub.ts';
import { createIngest } from '../../../realtime/ingest.ts';
import { createMemoryLog } from '../../../realtime/log/memory/index.ts';
import { runConsumer } from '../../../realtime/log/run.ts';
import { createPipeline } from '../../../realtime/pipeline.ts';
import { createQuarantine } from '../../../realtime/quarantine.ts';
import { STORE_FACTORIES, type TestStore } from '../../../store/contract/factories.ts';
import { batchOf } from '../../../stream/batch.ts';
import { createTestHost, devicePrincipals } from '../../test-host.ts';
import { realtimeRoutes } from './index.ts';

const NOW = Date.UTC(2026, 0, 10, 12);

describe('real-time HTTP routes', () => {
  let t: TestStore;
  let app: FastifyInstance;
  let pipeline: ReturnType<typeof createPipeline>;
  let log: ReturnType<typeof createMemoryLog>;
  const clock = NOW;
  const hub = createEventHub();

  beforeAll(async () => {
    t = await STORE_FACTORIES.find((f) => f.kind === 'duckdb')!.open();
    await seedFleet(t.store);
    // A day of history so that the batch layer computes p97 thresholds (mains about 100-200 W).
    const hist = [];
    for (let s = 0; s < 86_400; s += 60)
      hist.push({ channelId: 'm1.mains', ts: NOW - 86_400_000 + s * 1000, value: 100 + (s % 600) / 6 });
    await t.store.readings.write(batchOf(hist));
    await t.store.rollups.computeThresholds({ percentile: 97, now: NOW });
    const directory = createChannelDirectory({ catalog: t.store.catalog });
    const quarantine = createQuarantine();
    log = createMemoryLog();
    const now = () => clock;
    pipeline = createPipeline(
      { store: t.store, directory, hub, now },
      { overshoot: { minDurationMs: 2000, clearAfterMs: 2000 } },
    );
    await pipeline.start();
    runConsumer(log, pipeline.handle);
    const ingest = createIngest({
      directory,
      log,
      quarantine,
      now,
      limits: { maxPayloadBytes: 64_000, rate: { perSecond: 1000, burst: 2000 } },
    });
    const deviceAuth = testDeviceAuth();
    // The gateway and other tokens act as analysts, the m1-only device as a viewer.
    app = createTestHost({
      store: t.store,
      principalOf: devicePrincipals(deviceAuth, (id) => (id === 'dev-m1' ? 'viewer' : 'analyst')),
    });
    await app.register(
      realtimeRoutes({
        ingest,
        deviceAuth,
        store: t.store,
        directory,
        hub,
        quarantine,
        now,
        onRulesChanged: pipeline.reload,
        metrics: pipeline.stats,
      }),
    );
  });
  afterAll(async () => {
    await app?.close();
    await log?.close();
    await pipeline?.stop();
    await t?.destroy();
  });

  const post = (body: string, token: string | null = TEST_TOKENS.gateway, type = 'application/json') =>
    app.inject({
      method: 'POST',
      url: '/api/v1/readings',
      body,
      headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
  const drained = async () => {
    for (let i = 0; i < 100 && (await t.store.readings.count('m2.fridge')) < 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    await pipeline.flush();
  };

  it('accepts a JSON batch and NDJSON, with ISO and millisecond times', async () => {
    const r1 = await post(
      JSON.stringify({
        readings: [
          { channel: 'm2.mains', ts: NOW - 5000, value: 10 },
          { channel: 'm2.mains', ts: new Date(NOW - 4000).toISOString(), value: 11, quality: 1 },
        ],
      }),
    );
    expect(r1.statusCode).toBe(202);
    expect(r1.json()).toEqual({ accepted: 2, rejected: [] });
    const r2 = await post(
      `{"channel":"m2.fridge","ts":${NOW - 3000},"value":1}\n\n{"channel":"m2.fridge","ts":${NOW - 2000},"value":2}\n`,
      TEST_TOKENS.gateway,
      'application/x-ndjson',
    );
    expect(r2.json()).toMatchObject({ accepted: 2 });
    await drained();
    expect(await t.store.readings.count('m2.mains')).toBe(2);
    expect(await t.store.readings.count('m2.fridge')).toBe(2);
    const latest = await app.inject({
      url: '/api/v1/live/latest?facilityId=f-m2',
      headers: { authorization: `Bearer ${TEST_TOKENS.gateway}` },
    });
    expect(latest.json()).toEqual(
      expect.arrayContaining([{ channelId: 'm2.mains', ts: NOW - 4000, value: 11 }]),
    );
  });

  it('rejects bad input with a reason and keeps the good readings of the same message', async () => {
    const cases: [string, string | null, number, RegExp][] = [
      ['{"readings": [', TEST_TOKENS.gateway, 400, /malformed JSON/],
      [
        JSON.stringify({ readings: [{ channel: 'm1.mains', ts: NOW, value: 'high' }] }),
        TEST_TOKENS.gateway,
        400,
        /value.*finite number/,
      ],
      [
        JSON.stringify({ readings: [{ channel: 'nope', ts: NOW, value: 1 }] }),
        TEST_TOKENS.gateway,
        400,
        /unknown channel 'nope'/,
      ],
      [
        JSON.stringify({ readings: [{ channel: 'm91.mains', ts: NOW, value: 1 }] }),
        TEST_TOKENS.gateway,
        400,
        /forbidden/,
      ],
      [
        JSON.stringify({ readings: [{ channel: 'm2.mains', ts: NOW, value: 1 }] }),
        TEST_TOKENS.m1only,
        400,
        /forbidden/,
      ],
      [
        JSON.stringify({ readings: [{ channel: 'm1.mains', ts: NOW + 3600_000, value: 1 }] }),
        TEST_TOKENS.gateway,
        400,
        /timestamp out of range/,
      ],
      [
        JSON.stringify({ readings: [{ channel: 'm1.mains', ts: 0, value: 1 }] }),
        TEST_TOKENS.gateway,
        400,
        /timestamp out of range/,
      ],
      [
        JSON.stringify({ readings: [{ channel: 'm1.mains', ts: 'yesterday', value: 1 }] }),
        TEST_TOKENS.gateway,
        400,
        /ISO-8601/,
      ],
      [
        JSON.stringify({ readings: [{ channel: 'm1.mains', ts: NOW, value: 1, quality: 9 }] }),
        TEST_TOKENS.gateway,
        400,
        /quality/,
      ],
      [JSON.stringify({ data: [] }), TEST_TOKENS.gateway, 400, /expected \{"readings"/],
      ['{}', null, 401, /Bearer/],
      ['{}', 'wrong-token-wrong-token', 401, /unknown or expired/],
    ];
    for (const [body, token, status, reason] of cases) {
      const r = await post(body, token);
      expect(r.statusCode, body).toBe(status);
      expect(r.json().message, body).toMatch(reason);
    }
    const big = await post(
      JSON.stringify({
        readings: Array.from({ length: 3000 }, (_, i) => ({ channel: 'm1.mains', ts: NOW - i, value: 1 })),
      }),
    );
    expect(big.statusCode).toBe(413);
    const mixed = await post(
      JSON.stringify({
        readings: [
          { channel: 'm2.mains', ts: NOW - 1000, value: 5 },
          { channel: 'm2.mains', ts: NOW, value: null },
          { channel: 'zz', ts: NOW, value: 1 },
        ],
      }),
    );
    expect(mixed.statusCode).toBe(202);
    expect(mixed.json()).toMatchObject({
      accepted: 1,
      rejected: [
        { index: 1, field: 'value' },
        { index: 2, field: 'channel' },
      ],
    });
  });

  it('limits a flooding device without affecting the others', async () => {
    const many = (n: number, ch: string, t0: number) =>
      JSON.stringify({
        readings: Array.from({ length: n }, (_, i) => ({ channel: ch, ts: t0 + i, value: 1 })),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await post(many(900, 'm2.fridge', NOW - 600_000 + i * 1000))).statusCode);
    expect(statuses.slice(0, 2)).toEqual([202, 202]);
    expect(statuses).toContain(429);
    const flood = await post(many(900, 'm2.fridge', NOW - 500_000));
    expect(flood.json().message).toMatch(/rate limit/);
    expect((await post(many(10, 'm91.mains', NOW - 100_000), TEST_TOKENS.other)).statusCode).toBe(202);
  });

  it('raises one overshoot alert against p97, lists, pushes and acknowledges it', async () => {
    const thresholds = await t.store.rollups.getThresholds('p97');
    const th = thresholds.find((x) => x.channelId === 'm1.mains')!.value;
    expect(th).toBeGreaterThan(150);
    const events: string[] = [];
    const unsub = hub.subscribe({ orgId: 'o1' }, (e) => events.push(e.type));
    const values = [100, th * 2, th * 2, th * 2, th * 2, th * 1.5, 50, 50, 50, 50];
    const r = await post(
      JSON.stringify({
        readings: values.map((value, i) => ({ channel: 'm1.mains', ts: NOW - 20_000 + i * 1000, value })),
      }),
    );
    expect(r.json()).toMatchObject({ accepted: 10 });
    await drained();
    unsub();
    const auth = { authorization: `Bearer ${TEST_TOKENS.gateway}` };
    const list = (
      await app.inject({ url: '/api/v1/alerts?state=open&rule=overshoot', headers: auth })
    ).json();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      channelId: 'm1.mains',
      facilityId: 'f-m1',
      orgId: 'o1',
      ts: NOW - 19_000,
      threshold: th,
      endTs: NOW - 14_000,
    });
    expect(events).toContain('alert');
    expect(
      (
        await app.inject({ url: '/api/v1/alerts', headers: { authorization: `Bearer ${TEST_TOKENS.other}` } })
      ).json(),
    ).toEqual([]);
    const denied = await app.inject({
      method: 'POST',
      url: `/api/v1/alerts/${list[0].id}/acknowledge`,
      headers: { authorization: `Bearer ${TEST_TOKENS.m1only}` },
    });
    expect(denied.statusCode).toBe(403);
    const ack = await app.inject({
      method: 'POST',
      url: `/api/v1/alerts/${list[0].id}/acknowledge`,
      headers: auth,
    });
    expect(ack.json()).toMatchObject({ state: 'acknowledged' });
    const closed = await app.inject({
      method: 'POST',
      url: `/api/v1/alerts/${list[0].id}/close`,
      headers: auth,
    });
    expect(closed.json()).toMatchObject({ state: 'closed' });
    expect(
      (await app.inject({ method: 'POST', url: '/api/v1/alerts/nope/close', headers: auth })).statusCode,
    ).toBe(404);
  });

  it('creates rules from JSON and YAML, applies them at once, updates and deletes them', async () => {
    const auth = { authorization: `Bearer ${TEST_TOKENS.gateway}` };
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/rules',
      headers: { ...auth, 'content-type': 'application/json' },
      body: { name: 'x', condition: { type: 'silent' } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/condition/);
    const yaml =
      'name: drop\nseverity: critical\nscope:\n  mainsOnly: true\ncondition:\n  type: drop_to_zero\n  from: 100\n';
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/rules',
      headers: { ...auth, 'content-type': 'application/yaml' },
      body: yaml,
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    const dup = await app.inject({
      method: 'POST',
      url: '/api/v1/rules',
      headers: { ...auth, 'content-type': 'application/yaml' },
      body: yaml,
    });
    expect(dup.statusCode).toBe(409);
    await post(
      JSON.stringify({
        readings: [
          { channel: 'm2.mains', ts: NOW + 1000, value: 500 },
          { channel: 'm2.mains', ts: NOW + 2000, value: 0 },
        ],
      }),
    );
    await drained();
    const alerts = (await app.inject({ url: '/api/v1/alerts?rule=drop', headers: auth })).json();
    expect(alerts).toMatchObject([{ channelId: 'm2.mains', severity: 'critical', ts: NOW + 2000 }]);
    const put = await app.inject({
      method: 'PUT',
      url: `/api/v1/rules/${id}`,
      headers: auth,
      payload: { name: 'drop', enabled: false, condition: { type: 'drop_to_zero' } },
    });
    expect(put.json()).toMatchObject({ enabled: false });
    expect(
      (
        await app.inject({ url: '/api/v1/rules', headers: { authorization: `Bearer ${TEST_TOKENS.other}` } })
      ).json(),
    ).toEqual([]);
    expect(
      (await app.inject({ method: 'DELETE', url: `/api/v1/rules/${id}`, headers: auth })).statusCode,
    ).toBe(204);
    expect((await app.inject({ url: '/api/v1/rules', headers: auth })).json()).toEqual([]);
  });

  it('refuses bad rule values in JSON and YAML, and fires rules on any percentile the batch computed', async () => {
    const auth = { authorization: `Bearer ${TEST_TOKENS.gateway}` };
    const send = (body: string, type: string) =>
      app.inject({ method: 'POST', url: '/api/v1/rules', headers: { ...auth, 'content-type': type }, body });
    const banana = await send(
      'name: b\ncondition:\n  type: above\n  threshold: banana\n',
      'application/yaml',
    );
    expect(banana.statusCode).toBe(400);
    expect(banana.json().message).toMatch(
      /field 'condition\.threshold': expected a percentile threshold such as p97/,
    );
    const value = await send(
      JSON.stringify({ name: 'v', condition: { type: 'below', value: 'banana' } }),
      'application/json',
    );
    expect(value.statusCode).toBe(400);
    expect(value.json().message).toMatch(/field 'condition\.value': expected a number/);
    const long = await send('name: l\ncondition:\n  type: silent\n  for: 99999d\n', 'application/yaml');
    expect(long.json().message).toMatch(/condition\.for.*366d/);
    // p50 of m1's mains history is about 150 W, below p97 (about 197 W): only the rule can fire at 175 W.
    await t.store.rollups.computeThresholds({ percentile: 50, now: NOW });
    const half = await send(
      'name: half\ncondition:\n  type: above\n  threshold: p50\n  for: 2s\n',
      'application/yaml',
    );
    expect(half.statusCode, half.body).toBe(201);
    await post(
      JSON.stringify({
        readings: [0, 1, 2, 3, 4, 5].map((i) => ({
          channel: 'm1.mains',
          ts: NOW + 200_000 + i * 1000,
          value: 175,
        })),
      }),
    );
    await drained();
    const alerts = (await app.inject({ url: '/api/v1/alerts?rule=half', headers: auth })).json();
    expect(alerts).toHaveLength(1);
    expect(alerts[0].threshold).toBeGreaterThan(140);
    expect(alerts[0].threshold).toBeLessThan(160);
    await app.inject({ method: 'DELETE', url: `/api/v1/rules/${half.json().id}`, headers: auth });
  });

  it('serves windows and metrics', async () => {
    const auth = { authorization: `Bearer ${TEST_TOKENS.gateway}` };
    const w = await app.inject({
      url: `/api/v1/live/windows?channelId=m1.mains&width=1m&from=${NOW - 3600_000}&to=${NOW}`,
      headers: auth,
    });
    expect(w.json().reduce((s: number, x: { count: number }) => s + x.count, 0)).toBe(10);
    const m = (await app.inject({ url: '/api/v1/ingest/metrics', headers: auth })).json();
    expect(m.ingest.rejected).toBeGreaterThanOrEqual(10);
    expect(m.processing.alerts).toBeGreaterThanOrEqual(2);
  });
});
