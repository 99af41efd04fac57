/**
 * REST for the live appliance breakdown a facility's mains stream gets (src/realtime/live-nilm.ts):
 *   GET /api/v1/facilities/:facilityId/nilm/live
 * answers `{ ts, periodMs, mains, appliances: { name: W }, residual, model: { id, method } }`, or 204 (no
 * content) when the facility has none yet (no model, or no mains reading yet): an ordinary state of a
 * facility, not a missing resource, so a page asking for it logs no error. Follows the facility's
 * access rules (own organisation or a share; 404 otherwise), as the stored NILM results do.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { requirePrincipal } from '../api/principal.ts';
import { errorResponses, facilityParams } from '../api/shapes/common.ts';
import { liveBreakdown } from '../api/shapes/nilm.ts';
import type { ZodTypeProvider } from '../api/zod-routes.ts';
import { type LiveNilmView, breakdownOf } from '../realtime/live-nilm.ts';

/** Where the routes read breakdowns from: the live NILM service. */
export interface LiveNilmSource {
  /** The newest breakdown of a facility, or undefined. */
  latest(facilityId: string): LiveNilmView | undefined;
}

/** The live NILM route. */
export function liveNilmRoutes(deps: { live: LiveNilmSource }): FastifyPluginAsync {
  return async (host) => {
    const app = host.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/api/v1/facilities/:facilityId/nilm/live',
      {
        schema: {
          tags: ['nilm'],
          summary: "A facility's newest live appliance breakdown (W per appliance and the residual)",
          params: facilityParams,
          response: {
            200: liveBreakdown,
            204: z.null().describe('no breakdown yet: no model, or no mains reading yet'),
            ...errorResponses,
          },
        },
      },
      async (request, reply) => {
        const f = await app.access.readableFacilityOrThrow(
          requirePrincipal(request),
          request.params.facilityId,
        );
        const view = deps.live.latest(f.id);
        if (!view) return reply.code(204).send(null);
        return breakdownOf(view);
      },
    );
  };
}
