/**
 * Alerts of the caller's organisation and of the facilities shared with it, newest first; analysts
 * acknowledge and close their organisation's alerts.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AlertState } from '../../../domain/types.ts';
import { NotFoundError } from '../../../errors.ts';
import { TS_MAX } from '../../../ingest/time.ts';
import { parseTimeRange } from '../../params.ts';
import { requirePrincipal, requireRole } from '../../principal.ts';
import { alert, alertsQuery } from '../../shapes/alerts.ts';
import { errorResponses, idParams } from '../../shapes/common.ts';
import type { ZodTypeProvider } from '../../zod-routes.ts';
import { type RealtimeRoutesDeps, sharedFacilities } from './deps.ts';

/** Registers `GET /api/v1/alerts` and the acknowledge and close actions. */
export function alertRoutes(host: FastifyInstance, deps: RealtimeRoutesDeps): void {
  const app = host.withTypeProvider<ZodTypeProvider>();
  const now = deps.now ?? Date.now;
  app.get(
    '/api/v1/alerts',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Alerts of my organisation and of facilities shared with me, newest first',
        querystring: alertsQuery,
        response: { 200: alert.array(), ...errorResponses },
      },
    },
    async (req) => {
      const p = requirePrincipal(req);
      const q = req.query;
      const range =
        q.from !== undefined || q.to !== undefined
          ? parseTimeRange(q, { defaultFrom: () => 0, defaultTo: () => TS_MAX })
          : undefined;
      const shared = await sharedFacilities(host, p);
      const filter = {
        ...(q.state ? { states: q.state } : {}),
        ...(q.severity ? { severity: q.severity } : {}),
        ...(q.channelId ? { channelId: q.channelId } : {}),
        ...(q.rule ? { rule: q.rule } : {}),
        ...(range ?? {}),
        limit: q.limit,
      };
      // Alerts of the caller's organisation, plus those of facilities shared with the caller.
      const asked = q.facilityId;
      const sharedIds = (asked ?? [...shared.keys()]).filter((id) => shared.has(id));
      const own = await deps.store.alerts.listAlerts({
        orgId: p.orgId,
        ...(asked ? { facilityIds: asked } : {}),
        ...filter,
      });
      if (sharedIds.length === 0) return own;
      const fromShared = await deps.store.alerts.listAlerts({ facilityIds: sharedIds, ...filter });
      return [...own, ...fromShared]
        .sort((a, b) => b.ts - a.ts || (a.id < b.id ? -1 : 1))
        .slice(0, filter.limit);
    },
  );

  const setState = (state: AlertState) => async (req: FastifyRequest<{ Params: { id: string } }>) => {
    const p = requirePrincipal(req);
    const { id } = req.params;
    const a = await deps.store.alerts.getAlert(id);
    if (!a || a.orgId !== p.orgId) throw new NotFoundError('alert', id);
    if (a.state === 'closed') return a;
    await deps.store.alerts.updateAlert(id, { state, updatedAt: now() });
    const updated = await deps.store.alerts.getAlert(id);
    if (!updated) throw new NotFoundError('alert', id);
    deps.hub.publish({ type: 'alert-updated', alert: updated });
    return updated;
  };
  const action = (summary: string) => ({
    preHandler: requireRole('analyst'),
    schema: { tags: ['alerts'], summary, params: idParams, response: { 200: alert, ...errorResponses } },
  });
  app.post(
    '/api/v1/alerts/:id/acknowledge',
    action('Acknowledge an alert (analyst)'),
    setState('acknowledged'),
  );
  app.post('/api/v1/alerts/:id/close', action('Close an alert (analyst)'), setState('closed'));
}
