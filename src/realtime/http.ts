/**
 * The real-time layer's HTTP routes, as a Fastify plugin: device ingest (`POST /api/v1/readings`,
 * JSON batch or NDJSON, bearer device token), alerts (list, acknowledge, close), pattern rules (CRUD,
 * JSON or YAML), latest values and windows, the live push (Server-Sent Events at `/api/v1/live`, a
 * WebSocket at `/api/v1/live/ws`), and the quarantine and metrics of ingest. Registered by the
 * composition root on the API server; tests register it on a bare Fastify instance. A live stream
 * opened with an API token or a session is tracked by credential and closed when it is revoked.
 */
import { randomUUID } from 'node:crypto';
import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { parse as parseYaml } from 'yaml';
import { ALERT_STATES, type AlertState, type Role, SEVERITIES, type Severity } from '../domain/types.ts';
import { ForbiddenError, InputError, NotFoundError, UnauthenticatedError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import { TS_MAX } from '../ingest/time.ts';
import { parseDuration } from '../stream/duration.ts';
import { parseRule } from '../stream/rules/spec.ts';
import type { AccessControl } from '../api/access.ts';
import { toErrorResponse } from '../api/error-handler.ts';
import { limitSchema, parseTimeRange, timeSchema } from '../api/params.ts';
import type { Principal } from '../api/principal.ts';
import type { DeviceAuth } from './device-auth.ts';
import type { ChannelDirectory } from './directory.ts';
import type { EventHub, LiveEvent, LiveFilter } from './hub.ts';
import type { Ingest } from './ingest.ts';
import { CLOSE_POLICY, type LiveSubscribe, serveLiveSocket } from './live-socket.ts';
import type { Quarantine } from './quarantine.ts';
import type { ConnectionCredential, ConnectionRegistry } from './revocations.ts';
import { describeItemError } from './wire.ts';

/** Query of `GET /api/v1/alerts`. */
interface AlertQuery {
  state?: string;
  severity?: Severity;
  facilityId?: string;
  channelId?: string;
  rule?: string;
  from?: string;
  to?: string;
  limit?: number;
}

const alertsSchema = {
  tags: ['alerts'],
  summary: 'Alerts of my organisation and of facilities shared with me, newest first',
  querystring: {
    type: 'object',
    properties: {
      state: { type: 'string', maxLength: 100, description: `comma-separated: ${ALERT_STATES.join(', ')}` },
      severity: { type: 'string', enum: [...SEVERITIES] },
      facilityId: { type: 'string', maxLength: 2000, description: 'facility ids, comma-separated' },
      channelId: { type: 'string', maxLength: 200 },
      rule: { type: 'string', maxLength: 200 },
      from: timeSchema('alerts from this time, inclusive'),
      to: timeSchema('alerts before this time'),
      limit: limitSchema(1000, 100),
    },
    additionalProperties: false,
  },
} as const;

/** A person or script calling the read/manage routes. */
export interface Caller {
  orgId: string;
  role: Role;
  /** The token or session the caller used, for closing its live streams when it is revoked. */
  credential?: ConnectionCredential;
}

/** Dependencies of {@link realtimeRoutes}. */
export interface RealtimeHttpDeps {
  ingest: Ingest;
  deviceAuth: DeviceAuth;
  store: Pick<Store, 'alerts' | 'live'>;
  directory: ChannelDirectory;
  hub: EventHub;
  quarantine: Quarantine;
  /** Called after a rule changed, so processors pick it up at once. */
  onRulesChanged?: () => Promise<void>;
  /** Processing counters for `/api/v1/ingest/metrics`. */
  metrics?: () => Record<string, unknown>;
  /**
   * Who calls. Default: the API server's `request.principal` when present, otherwise a device token
   * (read-only, as a viewer).
   */
  callerOf?: (request: FastifyRequest) => Promise<Caller | undefined>;
  /**
   * Heartbeat of the live push: an SSE comment line, a WebSocket ping (a socket that did not answer
   * the previous one is dropped). Default 15 s.
   */
  livePingMs?: number;
  /** Open live streams by credential, closed on revocation; default: not tracked. */
  connections?: ConnectionRegistry;
  now?: () => number;
}

const WRITE_ROLES: readonly Role[] = ['admin', 'analyst'];

/** Builds the plugin. */
export function realtimeRoutes(deps: RealtimeHttpDeps): FastifyPluginAsync {
  const now = deps.now ?? Date.now;
  const livePingMs = deps.livePingMs ?? 15_000;
  const bearer = (req: FastifyRequest): string | undefined => {
    const h = req.headers['authorization'];
    return typeof h === 'string' && /^bearer\s+\S/i.test(h) ? h.replace(/^bearer\s+/i, '').trim() : undefined;
  };
  const callerOf =
    deps.callerOf ??
    (async (req: FastifyRequest): Promise<Caller | undefined> => {
      const p = (req as unknown as { principal?: Principal | null }).principal;
      if (p) return { orgId: p.orgId, role: p.role, credential: credentialOf(p) };
      const token = bearer(req);
      const d = token ? await deps.deviceAuth.verify(token) : undefined;
      if (!d) return undefined;
      const credential: ConnectionCredential = {
        ...(d.tokenId ? { tokenId: d.tokenId } : {}),
        ...(d.deviceKey ? { deviceKey: d.deviceKey } : {}),
        ...(d.deviceId ? { deviceId: d.deviceId } : {}),
      };
      return { orgId: d.orgId, role: 'viewer', credential };
    });
  const caller = async (req: FastifyRequest, write = false): Promise<Caller> => {
    const c = await callerOf(req);
    if (!c) throw new UnauthenticatedError('a session or an Authorization: Bearer token is required');
    if (write && !WRITE_ROLES.includes(c.role))
      throw new ForbiddenError(`role '${c.role}' may not change alerts or rules`);
    return c;
  };
  /**
   * Facilities shared with the caller from other organisations (id -> owner organisation), when the API
   * server's access control is there and the caller is a person or script (devices see their own only).
   */
  const sharedWith = async (app: FastifyInstance, req: FastifyRequest): Promise<Map<string, string>> => {
    const p = (req as unknown as { principal?: Principal | null }).principal;
    const access = (app as unknown as { access?: AccessControl }).access;
    if (!p || !access) return new Map();
    return new Map(
      (await access.readableFacilities(p))
        .filter((r) => r.facility.orgId !== p.orgId)
        .map((r) => [r.facility.id, r.facility.orgId]),
    );
  };
  /**
   * The hub subscription a live request (SSE or WebSocket) asks for: alerts of the caller's
   * organisation, and readings and live NILM breakdowns of the facilities named in `facilityId`
   * (comma-separated) that the caller may read: its own, and those shared with it under their owners
   * (without the owners' alerts), with the caller's credential. Throws UnauthenticatedError for a
   * caller nobody signed in.
   */
  const liveSubscription = async (
    app: FastifyInstance,
    req: FastifyRequest,
  ): Promise<{ subscribe: LiveSubscribe; credential: ConnectionCredential }> => {
    const c = await caller(req);
    const q = req.query as Record<string, string | undefined>;
    const facilityIds = q['facilityId']?.split(',').filter(Boolean);
    const shared = await sharedWith(app, req);
    const filters: LiveFilter[] = [facilityIds ? { orgId: c.orgId, facilityIds } : { orgId: c.orgId }];
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
    return { subscribe, credential: c.credential ?? {} };
  };
  /** Tracks a live stream until it ends; `close` ends it when its credential is revoked. */
  const track = (credential: ConnectionCredential, close: (reason: string) => void): (() => void) =>
    deps.connections?.track({ credential, close }) ?? (() => undefined);
  // The API's one error boundary: the same bodies, and no database text or stack in a 5xx.
  const sendError = async (err: unknown, req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const { status, body } = toErrorResponse(err, req.id);
    if (status >= 500) req.log.error({ err }, 'request failed');
    await reply.status(status).send(body);
  };

  return async (app: FastifyInstance) => {
    app.setErrorHandler(async (err, req, reply) => sendError(err, req, reply));
    // The API server registers the WebSocket plugin for all its routes; a bare host (tests) gets it here.
    if (!app.hasDecorator('websocketServer')) await app.register(fastifyWebsocket);

    // Ingest: its own scope, so that JSON arrives as text and every item gets its own reason.
    await app.register(async (scope) => {
      const asText = (
        _req: FastifyRequest,
        body: string,
        done: (err: Error | null, body?: unknown) => void,
      ): void => done(null, body);
      scope.removeContentTypeParser(['application/json']);
      scope.addContentTypeParser(
        ['application/json', 'application/x-ndjson', 'application/ndjson'],
        { parseAs: 'string', bodyLimit: deps.ingest.limits.maxPayloadBytes },
        asText,
      );
      scope.post(
        '/api/v1/readings',
        {
          config: { public: true },
          bodyLimit: deps.ingest.limits.maxPayloadBytes,
          schema: {
            tags: ['ingest'],
            summary: 'Send readings: a JSON batch or NDJSON, with a device or API token',
            description:
              'Body `{ "readings": [{ "channel" | "meter" + "name", "ts", "value", "unit"? }] }` or one reading ' +
              'per line (NDJSON); `ts` is ISO 8601 or UTC milliseconds. Answers 202 with accepted and ' +
              'rejected items (each with its reason), 400 when none was accepted, 429 over the rate limit.',
          },
        },
        async (req, reply) => {
          const token = bearer(req);
          if (!token) throw new UnauthenticatedError('missing Authorization: Bearer <device token>');
          const device = await deps.deviceAuth.verify(token);
          if (!device) throw new UnauthenticatedError('unknown or expired device token');
          if (device.readOnly)
            throw new ForbiddenError(
              "this token may not send readings: it lacks the 'write:readings' scope; an administrator " +
                'can create a token with it (docs/api.md, "Token scopes")',
            );
          const type = String(req.headers['content-type'] ?? '');
          if (typeof req.body !== 'string')
            throw new InputError('expected a body of type application/json or application/x-ndjson', {
              field: 'content-type',
            });
          const r = await deps.ingest.http(device, req.body, /ndjson/.test(type) ? 'ndjson' : 'json');
          const limited =
            r.accepted === 0 &&
            r.rejected.length > 0 &&
            r.rejected.every((e) => e.reason.startsWith('rate limit'));
          const status = limited ? 429 : r.accepted === 0 && r.rejected.length > 0 ? 400 : 202;
          return reply.status(status).send(
            status === 202
              ? r
              : {
                  error: limited ? 'RATE_LIMITED' : 'INPUT_INVALID',
                  message: r.rejected[0] ? describeItemError(r.rejected[0]) : 'no readings',
                  ...r,
                },
          );
        },
      );
    });

    app.get<{ Querystring: AlertQuery }>('/api/v1/alerts', { schema: alertsSchema }, async (req) => {
      const c = await caller(req);
      const q = req.query;
      const states = q.state?.split(',');
      if (states?.some((s) => !ALERT_STATES.includes(s as AlertState)))
        throw new InputError(`expected ${ALERT_STATES.join(', ')}`, { field: 'state' });
      const range =
        q.from !== undefined || q.to !== undefined
          ? parseTimeRange(q, { defaultFrom: () => 0, defaultTo: () => TS_MAX })
          : undefined;
      const shared = await sharedWith(app, req);
      const asked = q.facilityId?.split(',').filter(Boolean);
      const filter = {
        ...(states ? { states: states as AlertState[] } : {}),
        ...(q.severity ? { severity: q.severity } : {}),
        ...(q.channelId ? { channelId: q.channelId } : {}),
        ...(q.rule ? { rule: q.rule } : {}),
        ...(range ?? {}),
        limit: q.limit ?? 100,
      };
      // Alerts of the caller's organisation, plus those of facilities shared with the caller.
      const sharedIds = (asked ?? [...shared.keys()]).filter((id) => shared.has(id));
      const own = await deps.store.alerts.listAlerts({
        orgId: c.orgId,
        ...(asked ? { facilityIds: asked } : {}),
        ...filter,
      });
      if (sharedIds.length === 0) return own;
      const fromShared = await deps.store.alerts.listAlerts({ facilityIds: sharedIds, ...filter });
      return [...own, ...fromShared]
        .sort((a, b) => b.ts - a.ts || (a.id < b.id ? -1 : 1))
        .slice(0, filter.limit);
    });
    const setState = (state: AlertState) => async (req: FastifyRequest) => {
      const c = await caller(req, true);
      const { id } = req.params as { id: string };
      const a = await deps.store.alerts.getAlert(id);
      if (!a || a.orgId !== c.orgId) throw new NotFoundError('alert', id);
      if (a.state === 'closed') return a;
      await deps.store.alerts.updateAlert(id, { state, updatedAt: now() });
      const updated = (await deps.store.alerts.getAlert(id))!;
      deps.hub.publish({ type: 'alert-updated', alert: updated });
      return updated;
    };
    const idParams = {
      type: 'object',
      properties: { id: { type: 'string', minLength: 1, maxLength: 200 } },
      required: ['id'],
    } as const;
    const alertAction = (summary: string) => ({ schema: { tags: ['alerts'], summary, params: idParams } });
    app.post(
      '/api/v1/alerts/:id/acknowledge',
      alertAction('Acknowledge an alert (analyst)'),
      setState('acknowledged'),
    );
    app.post('/api/v1/alerts/:id/close', alertAction('Close an alert (analyst)'), setState('closed'));
    const rules = (summary: string, withId = false) => ({
      schema: { tags: ['rules'], summary, ...(withId ? { params: idParams } : {}) },
    });

    // Rules: JSON or YAML bodies.
    app.addContentTypeParser(
      ['application/yaml', 'application/x-yaml', 'text/yaml'],
      { parseAs: 'string' },
      (_req, body, done) => {
        try {
          done(null, parseYaml(String(body)));
        } catch (e) {
          done(new InputError(`malformed YAML: ${(e as Error).message}`, { field: 'body' }));
        }
      },
    );
    app.get('/api/v1/rules', rules('Pattern rules of my organisation'), async (req) =>
      deps.store.alerts.listRules({ orgId: (await caller(req)).orgId }),
    );
    app.get('/api/v1/rules/:id', rules('A pattern rule', true), async (req) => {
      const c = await caller(req);
      const r = await deps.store.alerts.getRule((req.params as { id: string }).id);
      if (!r || r.orgId !== c.orgId) throw new NotFoundError('rule', (req.params as { id: string }).id);
      return r;
    });
    app.post('/api/v1/rules', rules('Create a pattern rule, JSON or YAML (analyst)'), async (req, reply) => {
      const c = await caller(req, true);
      const body = parseRule(req.body, 'rule');
      const t = now();
      const rule = { ...body, id: randomUUID(), orgId: c.orgId, createdAt: t, updatedAt: t };
      await deps.store.alerts.putRule(rule);
      await deps.onRulesChanged?.();
      return reply.status(201).send(rule);
    });
    app.put(
      '/api/v1/rules/:id',
      rules('Replace a pattern rule, JSON or YAML (analyst)', true),
      async (req) => {
        const c = await caller(req, true);
        const { id } = req.params as { id: string };
        const old = await deps.store.alerts.getRule(id);
        if (!old || old.orgId !== c.orgId) throw new NotFoundError('rule', id);
        const rule = {
          ...parseRule(req.body, 'rule'),
          id,
          orgId: c.orgId,
          createdAt: old.createdAt,
          updatedAt: Math.max(now(), old.updatedAt + 1),
        };
        await deps.store.alerts.putRule(rule);
        await deps.onRulesChanged?.();
        return rule;
      },
    );
    app.delete('/api/v1/rules/:id', rules('Delete a pattern rule (analyst)', true), async (req, reply) => {
      const c = await caller(req, true);
      const { id } = req.params as { id: string };
      const old = await deps.store.alerts.getRule(id);
      if (!old || old.orgId !== c.orgId) throw new NotFoundError('rule', id);
      await deps.store.alerts.deleteRule(id);
      await deps.onRulesChanged?.();
      return reply.status(204).send();
    });

    const facilityFilter = {
      type: 'object',
      properties: { facilityId: { type: 'string', maxLength: 2000, description: 'facility id' } },
    } as const;
    app.get(
      '/api/v1/live/latest',
      {
        schema: {
          tags: ['live'],
          summary: 'Latest value of every channel I may read, optionally of one facility',
          querystring: facilityFilter,
        },
      },
      async (req) => {
        const c = await caller(req);
        const q = req.query as Record<string, string | undefined>;
        const shared = await sharedWith(app, req);
        const ids = deps.directory
          .all()
          .filter(
            (ch) =>
              (ch.orgId === c.orgId || shared.has(ch.facilityId)) &&
              (!q['facilityId'] || ch.facilityId === q['facilityId']),
          )
          .map((ch) => ch.id);
        return deps.store.live.getLatest({ channelIds: ids });
      },
    );
    app.get<{ Querystring: { channelId: string; width?: string; from?: string; to?: string } }>(
      '/api/v1/live/windows',
      {
        schema: {
          tags: ['live'],
          summary: "A channel's open and recent tumbling windows (count, sum, min, max)",
          querystring: {
            type: 'object',
            properties: {
              channelId: { type: 'string', minLength: 1, maxLength: 200 },
              width: { type: 'string', maxLength: 20, default: '1m', description: 'window width: 1m or 15m' },
              from: timeSchema('windows starting at or after this time; default `to` minus 1 hour'),
              to: timeSchema('windows starting before this time; default 1 minute from now'),
            },
            required: ['channelId'],
            additionalProperties: false,
          },
        },
      },
      async (req) => {
        const c = await caller(req);
        const q = req.query;
        const widthMs = parseDuration(q.width ?? '1m', 'width');
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
        const ch = deps.directory.byId(q.channelId);
        if (!ch || ch.orgId !== c.orgId) throw new NotFoundError('channel', q.channelId);
        return deps.store.live.listWindows({ channelId: ch.id, widthMs, from, to });
      },
    );

    // Live push as Server-Sent Events; what it carries is liveSubscription's.
    app.get(
      '/api/v1/live',
      {
        schema: {
          tags: ['live'],
          summary: 'Live push as Server-Sent Events: readings, alerts and NILM breakdowns',
          description:
            'Events `reading`, `alert`, `alert-updated` and `nilm` of the facilities named in `facilityId` ' +
            '(comma-separated) that I may read, and the alerts of my organisation; a comment line every 15 s; ' +
            'a last `revoked` event when the credential is revoked.',
          querystring: facilityFilter,
        },
      },
      async (req, reply) => {
        const { subscribe, credential } = await liveSubscription(app, req);
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

    // The same live push over a WebSocket. The subscription is built (and access checked) before the
    // upgrade, so an unauthenticated request gets its 401 as plain HTTP and never a socket.
    const socketSubscriptions = new WeakMap<
      FastifyRequest,
      { subscribe: LiveSubscribe; credential: ConnectionCredential }
    >();
    app.route({
      method: 'GET',
      url: '/api/v1/live/ws',
      schema: {
        tags: ['live'],
        summary: 'Live push over a WebSocket',
        description:
          'Upgrade to a WebSocket to receive the events of GET /api/v1/live as JSON text frames ' +
          '`{ "type": ..., ...event }`, with the same query (`facilityId`, comma-separated) and access ' +
          'rules. The server pings every heartbeat (15 s by default) and drops a client that did not ' +
          'answer the previous ping, and closes the socket with code 1008 and a reason when the ' +
          'credential it was opened with is revoked (token revoked, logout, password changed, user ' +
          'disabled). A request without an upgrade gets 426.',
        querystring: {
          type: 'object',
          properties: { facilityId: { type: 'string', description: 'Facility ids, comma-separated' } },
        },
      },
      preHandler: async (req) => {
        socketSubscriptions.set(req, await liveSubscription(app, req));
      },
      handler: async (_req, reply) =>
        reply
          .status(426)
          .header('upgrade', 'websocket')
          .send({ error: 'UPGRADE_REQUIRED', message: 'connect with a WebSocket client' }),
      wsHandler: (socket, req) => {
        const live = socketSubscriptions.get(req);
        if (!live) return socket.terminate();
        const served = serveLiveSocket(socket, live.subscribe, { pingMs: livePingMs });
        const untrack = track(live.credential, (reason) => served.close(CLOSE_POLICY, reason));
        socket.on('close', untrack);
      },
    });

    app.get<{ Querystring: { limit?: number } }>(
      '/api/v1/ingest/quarantine',
      {
        schema: {
          tags: ['ingest'],
          summary: 'The newest rejected readings of my organisation, with reason, topic and a sample',
          querystring: {
            type: 'object',
            properties: { limit: limitSchema(1000, 100) },
            additionalProperties: false,
          },
        },
      },
      async (req) => {
        const c = await caller(req);
        return deps.quarantine.list({ orgId: c.orgId, limit: req.query.limit ?? 100 });
      },
    );
    app.get(
      '/api/v1/ingest/metrics',
      {
        schema: {
          tags: ['ingest'],
          summary: 'Ingest and processing counters: messages, accepted, rejected by reason, live subscribers',
        },
      },
      async (req) => {
        await caller(req);
        return {
          ingest: deps.ingest.stats(),
          quarantine: { total: deps.quarantine.total(), byReason: deps.quarantine.counters() },
          processing: deps.metrics?.() ?? {},
          liveSubscribers: deps.hub.size(),
        };
      },
    );
  };
}

/** The credential a principal authenticated with. */
function credentialOf(p: Principal): ConnectionCredential {
  return {
    ...(p.tokenId ? { tokenId: p.tokenId } : {}),
    ...(p.sessionId ? { sessionId: p.sessionId } : {}),
    ...(p.userId ? { userId: p.userId } : {}),
  };
}
