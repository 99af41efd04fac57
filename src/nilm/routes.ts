/**
 * REST for stored NILM results of a facility (what `loadscope nilm disaggregate` and NILM jobs write):
 *   GET /api/v1/facilities/:facilityId/nilm?from=YYYY-MM-DD&to=YYYY-MM-DD
 * answers `{ daily, inventory }`: energy per appliance per local day, and the detected appliances with their
 * confidence. Follows the facility's access rules (own organisation or a share).
 */
import type { FastifyPluginAsync } from 'fastify';
import { requirePrincipal } from '../api/principal.ts';

/** The NILM results routes. */
export function nilmRoutes(): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: { facilityId: string }; Querystring: { from?: string; to?: string } }>(
      '/api/v1/facilities/:facilityId/nilm',
      {
        schema: {
          tags: ['nilm'],
          summary: "A facility's NILM results: daily energy per appliance and the appliance inventory",
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              from: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
              to: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
            },
          },
        },
      },
      async (request) => {
        const f = await app.access.readableFacilityOrThrow(
          requirePrincipal(request),
          request.params.facilityId,
        );
        const range = {
          ...(request.query.from ? { from: request.query.from } : {}),
          ...(request.query.to ? { to: request.query.to } : {}),
        };
        const [daily, inventory] = await Promise.all([
          app.deps.store.nilm.listDailyEnergy(f.id, range),
          app.deps.store.nilm.listInventory(f.id),
        ]);
        return { daily, inventory };
      },
    );
  };
}
