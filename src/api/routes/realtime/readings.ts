/**
 * Readings sent over HTTP (`POST /api/v1/readings`, a JSON batch or NDJSON with a device or API
 * token), and what the ingest refused and counted (`/api/v1/ingest/quarantine`, `/metrics`).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ForbiddenError, InputError, UnauthenticatedError } from '../../../errors.ts';
import { describeItemError } from '../../../realtime/wire.ts';
import { requirePrincipal } from '../../principal.ts';
import { errorResponses } from '../../shapes/common.ts';
import {
  ingestMetrics,
  ingestOutcome,
  ingestRefused,
  quarantineEntry,
  quarantineQuery,
} from '../../shapes/live.ts';
import type { ZodTypeProvider } from '../../zod-routes.ts';
import type { RealtimeRoutesDeps } from './deps.ts';

const READINGS_DESCRIPTION =
  'Body `{ "readings": [{ "channel" | "meter" + "name", "ts", "value", "unit"? }] }` or one reading ' +
  'per line (NDJSON); `ts` is ISO 8601 or UTC milliseconds. Answers 202 with accepted and ' +
  'rejected items (each with its reason), 400 when none was accepted, 429 over the rate limit.';

/** The bearer token of a request, if any. */
function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers['authorization'];
  return typeof h === 'string' && /^bearer\s+\S/i.test(h) ? h.replace(/^bearer\s+/i, '').trim() : undefined;
}

/** Registers `POST /api/v1/readings` on its own scope, where JSON arrives as text so that every item gets its own reason. */
export async function readingRoutes(host: FastifyInstance, deps: RealtimeRoutesDeps): Promise<void> {
  await host.register(async (scope) => {
    const app = scope.withTypeProvider<ZodTypeProvider>();
    const asText = (_req: FastifyRequest, body: string, done: (err: Error | null, body?: unknown) => void) =>
      done(null, body);
    app.removeContentTypeParser(['application/json']);
    app.addContentTypeParser(
      ['application/json', 'application/x-ndjson', 'application/ndjson'],
      { parseAs: 'string', bodyLimit: deps.ingest.limits.maxPayloadBytes },
      asText,
    );
    app.post(
      '/api/v1/readings',
      {
        config: { public: true },
        bodyLimit: deps.ingest.limits.maxPayloadBytes,
        schema: {
          tags: ['ingest'],
          summary: 'Send readings: a JSON batch or NDJSON, with a device or API token',
          description: READINGS_DESCRIPTION,
          response: { ...errorResponses, 202: ingestOutcome, 400: ingestRefused, 429: ingestRefused },
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
        if (r.accepted > 0 || r.rejected.length === 0) return reply.status(202).send(r);
        const limited = r.rejected.every((e) => e.reason.startsWith('rate limit'));
        return reply.status(limited ? 429 : 400).send({
          error: limited ? 'RATE_LIMITED' : 'INPUT_INVALID',
          message: r.rejected[0] ? describeItemError(r.rejected[0]) : 'no readings',
          ...r,
        });
      },
    );
  });
}

/** Registers `GET /api/v1/ingest/quarantine` and `GET /api/v1/ingest/metrics`. */
export function ingestRoutes(host: FastifyInstance, deps: RealtimeRoutesDeps): void {
  const app = host.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/v1/ingest/quarantine',
    {
      schema: {
        tags: ['ingest'],
        summary: 'The newest rejected readings of my organisation, with reason, topic and a sample',
        querystring: quarantineQuery,
        response: { 200: quarantineEntry.array(), ...errorResponses },
      },
    },
    async (req) => deps.quarantine.list({ orgId: requirePrincipal(req).orgId, limit: req.query.limit }),
  );
  app.get(
    '/api/v1/ingest/metrics',
    {
      schema: {
        tags: ['ingest'],
        summary: 'Ingest and processing counters: messages, accepted, rejected by reason, live subscribers',
        response: { 200: ingestMetrics, ...errorResponses },
      },
    },
    async (req) => {
      requirePrincipal(req);
      return {
        ingest: deps.ingest.stats(),
        quarantine: { total: deps.quarantine.total(), byReason: deps.quarantine.counters() },
        processing: deps.metrics?.() ?? {},
        liveSubscribers: deps.hub.size(),
      };
    },
  );
}
