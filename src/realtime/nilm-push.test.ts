/**
 * Live NILM breakdowns pushed over Server-Sent Events, end to end on a listening API server over the
 * API test world: mains readings posted to `/api/v1/readings` go through ingest and the memory log to
 * the live NILM service, whose `onBreakdown` publishes on the real hub; SSE clients of two
 * organisations receive the `nilm` events of the facilities they may read (own and shared) only.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorld, worldServer, type World } from '../api/test-world.ts';
import { liveNilmRoutes } from '../nilm/live-routes.ts';
import { METHODS } from '../nilm/methods/registry.ts';
import { syntheticHouse } from '../nilm/testing/synthetic-house.ts';
import { orgTokenAuth } from './device-auth.ts';
import { createChannelDirectory } from './directory.ts';
import { realtimeRoutes } from '../api/routes/realtime/index.ts';
import { createEventHub } from './hub.ts';
import { createIngest } from './ingest.ts';
import { type LiveNilmService, startLiveNilm } from './live-nilm.ts';
import { createMemoryLog } from './log/memory/index.ts';
import { publishBreakdowns } from './nilm-push.ts';
import { createQuarantine } from './quarantine.ts';
import { readSseEvents } from './testing/sse-events.ts';

/** A `nilm` event as a client parsed it. */
interface Received {
  facilityId: string;
  orgId: string;
  breakdown: { ts: number; periodMs: number; mains: number; appliances: Record<string, number> };
}

/** An SSE client reading `/api/v1/live` on a real socket; keeps the `nilm` events it got. */
async function listen(base: string, token: string, facilityIds: string[]) {
  const ctl = new AbortController();
  const res = await fetch(`${base}/api/v1/live?facilityId=${facilityIds.join(',')}`, {
    headers: { authorization: `Bearer ${token}` },
    signal: ctl.signal,
  });
  expect(res.status).toBe(200);
  const nilm: Received[] = [];
  const done = readSseEvents(res.body!, (type, data) => {
    if (type === 'nilm') nilm.push(JSON.parse(data) as Received);
  });
  return {
    nilm,
    async close() {
      ctl.abort();
      await done;
    },
  };
}

const until = async (check: () => boolean, what: string): Promise<void> => {
  for (const deadline = Date.now() + 20_000; !check(); await new Promise((r) => setTimeout(r, 10)))
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
};

describe('live NILM breakdowns over SSE', () => {
  let w: World;
  let app: FastifyInstance;
  let svc: LiveNilmService;
  let log: ReturnType<typeof createMemoryLog>;
  let base: string;
  const hub = createEventHub();
  const model = METHODS.eventsig.train([syntheticHouse({ seed: 1, days: 2 })], ['kettle', 'microwave']);
  const P = model.periodMs;
  // A day ago (ingest takes up to 400 days back), on a period boundary.
  const T = Math.floor((Date.now() - 86_400_000) / P) * P;

  /** Posts mains readings of one channel every 5 s over [from, to) with the token of its organisation. */
  const post = async (token: string, channelId: string, from: number, to: number, value = 400) => {
    const readings = [];
    for (let ts = from; ts < to; ts += 5000) readings.push({ channel: channelId, ts, value });
    const res = await fetch(`${base}/api/v1/readings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ readings }),
    });
    expect(res.status).toBe(202);
  };

  beforeAll(async () => {
    w = await openWorld();
    await w.store.nilm.saveModel({
      id: 'shared-live',
      facilityId: null,
      method: 'eventsig',
      trainedOn: 'synthetic',
      trainedAt: T,
      model,
    });
    log = createMemoryLog();
    svc = await startLiveNilm({
      store: w.store,
      log,
      train: false,
      refreshMs: 0,
      warmupMs: 0,
      onBreakdown: publishBreakdowns(hub),
    });
    const directory = createChannelDirectory({ catalog: w.store.catalog });
    await directory.refresh(true);
    const ingest = createIngest({
      directory,
      log,
      quarantine: createQuarantine(),
      limits: { maxPayloadBytes: 64_000, rate: { perSecond: 1e6, burst: 1e6 } },
    });
    // The device verifier is the server's own token check, known once the server exists.
    const deviceAuth: { current?: ReturnType<typeof orgTokenAuth> } = {};
    app = await worldServer(w, {
      plugins: [
        liveNilmRoutes({ live: svc }),
        realtimeRoutes({
          ingest,
          deviceAuth: { verify: (t) => deviceAuth.current!.verify(t) },
          store: w.store,
          directory,
          hub,
          quarantine: createQuarantine(),
        }),
      ],
    });
    deviceAuth.current = orgTokenAuth(app.auth);
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await svc?.stop();
    await log?.close();
    await w?.close();
  });

  it("pushes a facility's breakdown to its own and sharing organisations only, as the route answers it", async () => {
    const { a, b, shared } = w;
    // a asks for its own facility, the one b shares with it, and b's private one; b for a's and its own.
    const clientA = await listen(base, a.token, [a.facility.id, shared.facility.id, b.facility.id]);
    const clientB = await listen(base, b.token, [a.facility.id, b.facility.id]);
    try {
      // One period of mains per facility; the next period's first reading closes it.
      await post(a.token, a.channel.id, T, T + P);
      await post(b.token, b.channel.id, T, T + P);
      await post(b.token, shared.channel.id, T, T + P);
      await post(a.token, a.channel.id, T + P, T + P + 1, 100);
      await post(b.token, b.channel.id, T + P, T + P + 1, 100);
      await post(b.token, shared.channel.id, T + P, T + P + 1, 100);
      await until(() => clientA.nilm.length >= 2 && clientB.nilm.length >= 1, 'the breakdowns');
      // Settle: a leak would arrive with the events waited for, not later.
      await new Promise((r) => setTimeout(r, 200));

      const byFacility = (c: { nilm: Received[] }) => c.nilm.map((e) => e.facilityId).sort();
      expect(byFacility(clientA)).toEqual([a.facility.id, shared.facility.id].sort());
      expect(byFacility(clientB)).toEqual([b.facility.id]);
      const own = clientA.nilm.find((e) => e.facilityId === a.facility.id)!;
      expect(own.orgId).toBe(a.orgId);
      expect(own.breakdown).toMatchObject({ ts: T, periodMs: P, mains: 400 });
      expect(Object.keys(own.breakdown.appliances).sort()).toEqual(['kettle', 'microwave']);
      expect(clientA.nilm.find((e) => e.facilityId === shared.facility.id)!.orgId).toBe(b.orgId);
      // The pushed breakdown is the route's answer, field for field.
      const rest = await fetch(`${base}/api/v1/facilities/${a.facility.id}/nilm/live`, {
        headers: { authorization: `Bearer ${a.token}` },
      });
      expect(own.breakdown).toEqual(await rest.json());

      // A batch that closes several periods at once (a gateway catching up) pushes the newest only.
      const before = clientA.nilm.length;
      await post(a.token, a.channel.id, T + P + 5000, T + 4 * P + 1);
      await until(() => clientA.nilm.length > before, 'the catch-up breakdown');
      await new Promise((r) => setTimeout(r, 200));
      expect(clientA.nilm.slice(before).map((e) => e.breakdown.ts)).toEqual([T + 3 * P]);
      expect(svc.latest(a.facility.id)?.ts).toBe(T + 3 * P);
    } finally {
      await clientA.close();
      await clientB.close();
    }
    // Closed connections leave the hub.
    await until(() => hub.size() === 0, 'the subscriptions to end');
  });
});
