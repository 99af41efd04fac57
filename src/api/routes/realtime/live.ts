/**
 * Live values: the latest value of every channel the caller may read, a channel's tumbling windows,
 * and the live push of readings, alerts and NILM breakdowns as Server-Sent Events (`/api/v1/live`) or
 * over a WebSocket (`/api/v1/live/ws`). A push opened with a token or a session is tracked by its
 * credential and closed when that is revoked.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { InputError } from '../../../errors.ts';
import type { LiveEvent, LiveFilter } from '../../../realtime/hub.ts';
import { CLOSE_POLICY, type LiveSubscribe, serveLiveSocket } from '../../../realtime/live-socket.ts';
import type { ConnectionCredential } from '../../../realtime/revocations.ts';
import { parseDuration } from '../../../util/duration.ts';
import { parseTimeRange } from '../../params.ts';
import { type Principal, requirePrincipal } from '../../principal.ts';
import { errorBody, errorResponses } from '../../shapes/common.ts';
import { latestQuery, latestValue, liveQuery, windowAggregate, windowsQuery } from '../../shapes/live.ts';
import type { ZodTypeProvider } from '../../zod-routes.ts';
import { type RealtimeRoutesDeps, sharedFacilities } from './deps.ts';

/** A live push's subscription and the credential it was opened with. */
interface LiveSubscription {
  subscribe: LiveSubscribe;
  credential: ConnectionCredential;
}

const LIVE_DESCRIPTION =
  'Events `reading`, `alert`, `alert-updated` and `nilm` of the facilities named in `facilityId` ' +
  '(comma-separated) that I may read, and the alerts of my organisation; a comment line every 15 s; ' +
  'a last `revoked` event when the credential is revoked.';

const WS_DESCRIPTION =
  'Upgrade to a WebSocket to receive the events of GET /api/v1/live as JSON text frames ' +
  '`{ "type": ..., ...event }`, with the same query (`facilityId`, comma-separated) and access ' +
  'rules. The server pings every heartbeat (15 s by default) and drops a client that did not ' +
  'answer the previous ping, and closes the socket with code 1008 and a reason when the ' +
  'credential it was opened with is revoked (token revoked, logout, password changed, user ' +
  'disabled). A request without an upgrade gets 426.';

/** Registers `/api/v1/live/latest`, `/api/v1/live/windows`, `/api/v1/live` and `/api/v1/live/ws`. */
export function liveRoutes(host: FastifyInstance, deps: RealtimeRoutesDeps): void {
  const app = host.withTypeProvider<ZodTypeProvider>();
  const now = deps.now ?? Date.now;
  const livePingMs = deps.livePingMs ?? 15_000;

  /**
   * The hub subscription a live request asks for: alerts of the caller's organisation, and readings
   * and live NILM breakdowns of the facilities named that the caller may read: its own, and those
   * shared with it under their owners (without the owners' alerts).
   */
  const subscriptionOf = async (
    p: Principal,
    facilityIds: string[] | undefined,
  ): Promise<LiveSubscription> => {
    const shared = await sharedFacilities(host, p);
    const filters: LiveFilter[] = [facilityIds ? { orgId: p.orgId, facilityIds } : { orgId: p.orgId }];
    const byOwner = new Map<string, string[]>();
    for (const id of facilityIds ?? []) {
      const owner = shared.get(id);
      if (owner) byOwner.set(owner, [...(byOwner.get(owner) ?? []), id]);
    }
    for (const [owner, ids] of byOwner) filters.push({ orgId: owner, facilityIds: ids, alerts: false });
    const subscribe: LiveSubscribe = (send) => {
      const unsubscribes = filters.map((f) => deps.hub.subscribe(f, send));
      return () => unsubscribes.forEach((u) => u());
    };
    return { subscribe, credential: credentialOf(p) };
  };
  /** Tracks a live stream until it ends; `close` ends it when its credential is revoked. */
  const track = (credential: ConnectionCredential, close: (reason: string) => void): (() => void) =>
    deps.connections?.track({ credential, close }) ?? (() => undefined);

  app.get(
    '/api/v1/live/latest',
    {
      schema: {
        tags: ['live'],
        summary: 'Latest value of every channel I may read, optionally of one facility',
        querystring: latestQuery,
        response: { 200: latestValue.array(), ...errorResponses },
      },
    },
    async (req) => {
      const p = requirePrincipal(req);
      const { facilityId } = req.query;
      const shared = await sharedFacilities(host, p);
      const ids = deps.directory
        .all()
        .filter(
          (ch) =>
            (ch.orgId === p.orgId || shared.has(ch.facilityId)) &&
            (!facilityId || ch.facilityId === facilityId),
        )
        .map((ch) => ch.id);
      return deps.store.live.getLatest({ channelIds: ids });
    },
  );

  app.get(
    '/api/v1/live/windows',
    {
      schema: {
        tags: ['live'],
        summary: "A channel's open and recent tumbling windows (count, sum, min, max)",
        querystring: windowsQuery,
        response: { 200: windowAggregate.array(), ...errorResponses },
      },
    },
    async (req) => {
      const p = requirePrincipal(req);
      const q = req.query;
      const widthMs = parseDuration(q.width, 'width');
      // Windows are kept per width (1 and 15 minutes by default); a width outside any sensible one
      // cannot match and must not reach the database as an out-of-range number.
      if (!(Number.isInteger(widthMs) && widthMs >= 1000 && widthMs <= 86_400_000))
        throw new InputError(`expected a window width from 1s to 1d such as 1m or 15m, got '${q.width}'`, {
          field: 'width',
        });
      const { from, to } = parseTimeRange(q, {
        defaultTo: () => now() + 60_000,
        defaultFrom: (end) => end - 3600_000,
        maxDays: 31,
      });
      await host.access.channelFacilityOrThrow(p, q.channelId);
      return deps.store.live.listWindows({ channelId: q.channelId, widthMs, from, to });
    },
  );

  // Live push as Server-Sent Events.
  app.get(
    '/api/v1/live',
    {
      schema: {
        tags: ['live'],
        summary: 'Live push as Server-Sent Events: readings, alerts and NILM breakdowns',
        description: LIVE_DESCRIPTION,
        querystring: liveQuery,
        response: {
          200: {
            description: 'a stream of Server-Sent Events',
            content: {
              'text/event-stream': {
                schema: z.string().describe('`event: <type>` and `data: <JSON>` lines'),
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const { subscribe, credential } = await subscriptionOf(requirePrincipal(req), req.query.facilityId);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(': connected\n\n');
      const send = (e: LiveEvent): void => {
        res.write(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
      };
      const unsubscribe = subscribe(send);
      const ping = setInterval(() => res.write(': ping\n\n'), livePingMs);
      const stop = (): void => {
        clearInterval(ping);
        unsubscribe();
        untrack();
      };
      // A revoked credential gets a last `revoked` event and the end of the stream; an EventSource that
      // reconnects then gets 401.
      const untrack = track(credential, (reason) => {
        stop();
        res.end(`event: revoked\ndata: ${JSON.stringify({ type: 'revoked', reason })}\n\n`);
      });
      req.raw.on('close', stop);
    },
  );

  // The same push over a WebSocket. The subscription is built (and access checked) before the
  // upgrade, so an unauthenticated request gets its 401 as plain HTTP and never a socket.
  const sockets = new WeakMap<FastifyRequest, LiveSubscription>();
  app.route({
    method: 'GET',
    url: '/api/v1/live/ws',
    schema: {
      tags: ['live'],
      summary: 'Live push over a WebSocket',
      description: WS_DESCRIPTION,
      querystring: liveQuery,
      response: {
        101: z.null().describe('Switching Protocols: the connection is now the WebSocket, no HTTP body'),
        426: errorBody,
        ...errorResponses,
      },
    },
    preHandler: async (req) => {
      sockets.set(req, await subscriptionOf(requirePrincipal(req), req.query.facilityId));
    },
    handler: async (_req, reply) =>
      reply
        .status(426)
        .header('upgrade', 'websocket')
        .send({ error: 'UPGRADE_REQUIRED', message: 'connect with a WebSocket client' }),
    wsHandler: (socket, req) => {
      const live = sockets.get(req);
      if (!live) return socket.terminate();
      const served = serveLiveSocket(socket, live.subscribe, { pingMs: livePingMs });
      const untrack = track(live.credential, (reason) => served.close(CLOSE_POLICY, reason));
      socket.on('close', untrack);
    },
  });
}

/** The credential a principal authenticated with. */
function credentialOf(p: Principal): ConnectionCredential {
  return {
    ...(p.tokenId ? { tokenId: p.tokenId } : {}),
    ...(p.sessionId ? { sessionId: p.sessionId } : {}),
    ...(p.userId ? { userId: p.userId } : {}),
  };
}
