/**
 * The live push over a WebSocket (`GET /api/v1/live/ws`), on a listening API server over the API test
 * world with real `ws` clients: the same events as the SSE route for the same query and caller (own
 * and shared facilities, never another organisation's), 401 and no socket without credentials, and
 * the hub subscription gone when a client closes or stops answering pings.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { T0, type World, login, openWorld, worldServer } from '../api/test-world.ts';
import type { Alert } from '../domain/types.ts';
import { orgTokenAuth } from './device-auth.ts';
import { createChannelDirectory } from './directory.ts';
import { realtimeRoutes } from '../api/routes/realtime/index.ts';
import { type LiveEvent, createEventHub } from './hub.ts';
import { createIngest } from './ingest.ts';
import { createMemoryLog } from './log/memory/index.ts';
import { createQuarantine } from './quarantine.ts';
import { readSseEvents } from './testing/sse-events.ts';

const PING_MS = 100;

const until = async (check: () => boolean, what: string): Promise<void> => {
  for (const deadline = Date.now() + 10_000; !check(); await new Promise((r) => setTimeout(r, 10)))
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
};

const readings = (orgId: string, facilityId: string, channelId: string, value: number): LiveEvent => ({
  type: 'readings',
  orgId,
  facilityId,
  channels: [{ channelId, ts: [T0], value: [value] }],
});

const alert = (id: string, orgId: string, facilityId: string, channelId: string): LiveEvent => {
  const a: Alert = {
    id,
    rule: 'overshoot',
    channelId,
    facilityId,
    orgId,
    ts: T0,
    endTs: null,
    value: 170,
    threshold: 150,
    unit: 'W',
    severity: 'warning',
    state: 'open',
    message: 'overshoot',
    createdAt: T0,
    updatedAt: T0,
  };
  return { type: 'alert', alert: a };
};

/** What a client received, one short label per event. */
const label = (e: LiveEvent): string =>
  e.type === 'alert' || e.type === 'alert-updated'
    ? `${e.type}:${e.alert.id}`
    : `${e.type}:${e.facilityId}:${e.type === 'readings' ? e.channels[0]!.value[0] : ''}`;

describe('live push over a WebSocket', () => {
  let w: World;
  let app: FastifyInstance;
  let log: ReturnType<typeof createMemoryLog>;
  let base: string;
  const hub = createEventHub();

  beforeAll(async () => {
    w = await openWorld();
    log = createMemoryLog();
    const directory = createChannelDirectory({ catalog: w.store.catalog });
    const quarantine = createQuarantine();
    const ingest = createIngest({
      directory,
      log,
      quarantine,
      limits: { maxPayloadBytes: 64_000, rate: { perSecond: 1000, burst: 1000 } },
    });
    // The device verifier is the server's own token check, known once the server exists.
    const deviceAuth: { current?: ReturnType<typeof orgTokenAuth> } = {};
    app = await worldServer(w, {
      plugins: [
        realtimeRoutes({
          ingest,
          deviceAuth: { verify: (t) => deviceAuth.current!.verify(t) },
          store: w.store,
          directory,
          hub,
          quarantine,
          livePingMs: PING_MS,
        }),
      ],
    });
    deviceAuth.current = orgTokenAuth(app.auth);
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `127.0.0.1:${(app.server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await log?.close();
    await w?.close();
  });

  /** Opens a socket on the live route and collects the events it receives. */
  const connect = async (facilityIds: string[], headers: Record<string, string>) => {
    const ws = new WebSocket(`ws://${base}/api/v1/live/ws?facilityId=${facilityIds.join(',')}`, { headers });
    const events: LiveEvent[] = [];
    ws.on('message', (data, isBinary) => {
      expect(isBinary).toBe(false);
      events.push(JSON.parse(String(data)) as LiveEvent);
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return { ws, events };
  };

  /** Tries to open a socket; resolves with the HTTP status of the refusal. */
  const refusal = (headers: Record<string, string>) =>
    new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`ws://${base}/api/v1/live/ws?facilityId=${w.a.facility.id}`, { headers });
      ws.on('error', () => {});
      ws.once('open', () => reject(new Error('the socket opened')));
      ws.once('unexpected-response', (req, res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
    });

  it("delivers own and shared facilities' events as SSE does, none of another organisation's", async () => {
    const { a, b, shared } = w;
    const asked = [a.facility.id, shared.facility.id, b.facility.id];
    const session = await login(app, a.users.viewer.email);
    const clientA = await connect(asked, { authorization: `Bearer ${a.token}` });
    const clientAsession = await connect(asked, { cookie: session.cookie });
    const clientB = await connect([a.facility.id, shared.facility.id, b.facility.id], {
      authorization: `Bearer ${b.token}`,
    });
    const ctl = new AbortController();
    const sse = await fetch(`http://${base}/api/v1/live?facilityId=${asked.join(',')}`, {
      headers: { authorization: `Bearer ${a.token}` },
      signal: ctl.signal,
    });
    expect(sse.status).toBe(200);
    const sseEvents: LiveEvent[] = [];
    const sseDone = readSseEvents(sse.body!, (_type, data) => sseEvents.push(JSON.parse(data) as LiveEvent));
    await until(() => hub.size() === 7, 'the subscriptions');

    hub.publish(readings(a.orgId, a.facility.id, a.channel.id, 1));
    hub.publish(readings(b.orgId, b.facility.id, b.channel.id, 2));
    hub.publish(readings(b.orgId, shared.facility.id, shared.channel.id, 3));
    // A reading claiming a's facility under b's organisation: the hub matches on both.
    hub.publish(readings(b.orgId, a.facility.id, a.channel.id, 4));
    hub.publish(alert('alert-a', a.orgId, a.facility.id, a.channel.id));
    hub.publish(alert('alert-b', b.orgId, b.facility.id, b.channel.id));
    // The owner's alert on the shared facility stays the owner's.
    hub.publish(alert('alert-b-shared', b.orgId, shared.facility.id, shared.channel.id));
    hub.publish(alert('end', a.orgId, a.facility.id, a.channel.id));
    hub.publish(alert('end', b.orgId, b.facility.id, b.channel.id));
    const ended = (events: LiveEvent[]) => events.some((e) => label(e) === 'alert:end');
    await until(
      () => [clientA, clientAsession, clientB].every((c) => ended(c.events)) && ended(sseEvents),
      'the last event',
    );

    const forA = [
      `readings:${a.facility.id}:1`,
      `readings:${shared.facility.id}:3`,
      'alert:alert-a',
      'alert:end',
    ];
    expect(clientA.events.map(label)).toEqual(forA);
    expect(clientAsession.events.map(label)).toEqual(forA);
    expect(clientA.events).toEqual(sseEvents);
    expect(clientA.events[0]).toEqual(readings(a.orgId, a.facility.id, a.channel.id, 1));
    expect(clientB.events.map(label)).toEqual([
      `readings:${b.facility.id}:2`,
      `readings:${shared.facility.id}:3`,
      `readings:${a.facility.id}:4`,
      'alert:alert-b',
      'alert:alert-b-shared',
      'alert:end',
    ]);

    ctl.abort();
    await sseDone;
    for (const c of [clientA, clientAsession, clientB]) c.ws.close();
    await until(() => hub.size() === 0, 'the subscriptions to end');
  });

  it('refuses an upgrade without valid credentials with 401 and opens no socket', async () => {
    expect(await refusal({})).toBe(401);
    expect(await refusal({ authorization: 'Bearer not-a-token-of-anyone' })).toBe(401);
    expect(await refusal({ cookie: 'ls_session=forged' })).toBe(401);
    expect(hub.size()).toBe(0);
    expect(app.websocketServer.clients.size).toBe(0);
  });

  it('answers a plain GET with 401 anonymously and 426 Upgrade Required with credentials', async () => {
    expect((await fetch(`http://${base}/api/v1/live/ws`)).status).toBe(401);
    const res = await fetch(`http://${base}/api/v1/live/ws`, {
      headers: { authorization: `Bearer ${w.a.token}` },
    });
    expect(res.status).toBe(426);
    expect(hub.size()).toBe(0);
  });

  it('removes the hub subscriber when the client closes the socket', async () => {
    const c = await connect([w.a.facility.id], { authorization: `Bearer ${w.a.token}` });
    await until(() => hub.size() === 1, 'the subscription');
    c.ws.close();
    await until(() => hub.size() === 0, 'the subscription to end');
    await until(() => app.websocketServer.clients.size === 0, 'the server side of the socket to close');
  });

  it('drops a client that stops answering pings', async () => {
    const c = await connect([w.a.facility.id], { authorization: `Bearer ${w.a.token}` });
    await until(() => hub.size() === 1, 'the subscription');
    // A paused client reads nothing, so it never answers the server's pings.
    c.ws.pause();
    const closed = new Promise<void>((resolve) => c.ws.once('close', () => resolve()));
    await until(() => hub.size() === 0, 'the dead client to be dropped');
    c.ws.resume();
    await closed;
  });

  it('lists the route in the OpenAPI document', () => {
    const doc = app.swagger() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/api/v1/live/ws');
  });
});
