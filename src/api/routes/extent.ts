/**
 * Where a facility's data is: `GET /api/v1/facilities/:facilityId/extent` answers the first and last
 * reading of each channel and of the facility as a whole (UTC ms; null without readings). The web
 * pages open on it, so that a history imported from last year is shown where it is instead of as an
 * empty last day.
 */
import type { FastifyInstance } from 'fastify';
import { requirePrincipal } from '../principal.ts';
import { errorResponses, facilityParams } from '../shapes/common.ts';
import { dataExtent } from '../shapes/facilities.ts';
import type { ZodTypeProvider } from '../zod-routes.ts';

/** Registers the extent route. */
export async function extentRoutes(host: FastifyInstance): Promise<void> {
  const app = host.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/facilities/:facilityId/extent',
    {
      schema: {
        tags: ['facilities'],
        summary: "Where a facility's readings are: first and last reading per channel and overall",
        params: facilityParams,
        response: { 200: dataExtent, ...errorResponses },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      const facility = await app.access.readableFacilityOrThrow(p, request.params.facilityId);
      const { serving } = app.deps;
      const channels = await serving.channelsOf(facility.id);
      const rows = await Promise.all(
        channels.map(async (c) => {
          const e = await serving.extent(c.id);
          return { channelId: c.id, from: e?.from ?? null, to: e?.to ?? null };
        }),
      );
      const firsts = rows.flatMap((r) => (r.from === null ? [] : [r.from]));
      const lasts = rows.flatMap((r) => (r.to === null ? [] : [r.to]));
      return {
        from: firsts.length ? Math.min(...firsts) : null,
        to: lasts.length ? Math.max(...lasts) : null,
        channels: rows,
      };
    },
  );
}
