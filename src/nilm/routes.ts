/**
 * REST for stored NILM results of a facility (what `loadscope nilm disaggregate` and NILM jobs write):
 *   GET /api/v1/facilities/:facilityId/nilm?from=YYYY-MM-DD&to=YYYY-MM-DD
 * answers `{ daily, inventory }`: energy per appliance per local day, and the detected appliances with their
 * confidence. `from` and `to` (both inclusive local days) also take any API time (ISO 8601 or UTC ms),
 * read as the local day of the facility that holds it. Follows the facility's access rules (own organisation or a share).
 */
import type { FastifyPluginAsync } from 'fastify';
import { parseTime } from '../api/params.ts';
import { requirePrincipal } from '../api/principal.ts';
import { errorResponses, facilityParams } from '../api/shapes/common.ts';
import { nilmQuery, nilmResults } from '../api/shapes/nilm.ts';
import type { ZodTypeProvider } from '../api/zod-routes.ts';
import { InputError } from '../errors.ts';
import { localDate } from '../util/time/index.ts';

/** The local day label (`YYYY-MM-DD`) of a time parameter, in the facility's zone. */
function localDay(value: string, field: string, timeZone: string): string {
  const ms = parseTime(value, field, timeZone);
  return /^\d{4}-\d{2}-\d{2}$/.test(value.trim()) ? value.trim() : localDate(ms, timeZone);
}

/** The NILM results routes. */
export function nilmRoutes(): FastifyPluginAsync {
  return async (host) => {
    const app = host.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/api/v1/facilities/:facilityId/nilm',
      {
        schema: {
          tags: ['nilm'],
          summary: "A facility's NILM results: daily energy per appliance and the appliance inventory",
          params: facilityParams,
          querystring: nilmQuery,
          response: { 200: nilmResults, ...errorResponses },
        },
      },
      async (request) => {
        const f = await app.access.readableFacilityOrThrow(
          requirePrincipal(request),
          request.params.facilityId,
        );
        const { from, to } = request.query;
        const range = {
          ...(from ? { from: localDay(from, 'from', f.timeZone) } : {}),
          ...(to ? { to: localDay(to, 'to', f.timeZone) } : {}),
        };
        if (range.from && range.to && range.to < range.from)
          throw new InputError(`'to' (${range.to}) must not be before 'from' (${range.from})`, {
            field: 'to',
          });
        const [daily, inventory] = await Promise.all([
          app.deps.store.nilm.listDailyEnergy(f.id, range),
          app.deps.store.nilm.listInventory(f.id),
        ]);
        return { daily, inventory };
      },
    );
  };
}
