/**
 * Where a facility's data is: `GET /api/v1/facilities/:facilityId/extent` answers the first and last
 * reading of each channel and of the facility as a whole (UTC ms; null without readings). The web
 * pages open on it, so that a history imported from last year is shown where it is instead of as an
 * empty last day.
 */
import type { FastifyInstance } from 'fastify';
import { requirePrincipal } from '../principal.ts';
import { errorResponses, idSchema } from './schemas.ts';

const span = {
  from: { type: ['number', 'null'], description: 'first reading, UTC ms' },
  to: { type: ['number', 'null'], description: 'last reading, UTC ms' },
} as const;

/** Registers the extent route. */
export async function extentRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { facilityId: string } }>(
    '/facilities/:facilityId/extent',
    {
      schema: {
        tags: ['facilities'],
        summary: "Where a facility's readings are: first and last reading per channel and overall",
        params: {
          type: 'object',
          properties: { facilityId: idSchema },
          required: ['facilityId'],
        },
        response: {
          200: {
            type: 'object',
            properties: {
              ...span,
              channels: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { channelId: { type: 'string' }, ...span },
                  required: ['channelId', 'from', 'to'],
                },
              },
            },
            required: ['from', 'to', 'channels'],
          },
          ...errorResponses,
        },
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
      const known = rows.filter((r) => r.from !== null);
      return {
        from: known.length ? Math.min(...known.map((r) => r.from as number)) : null,
        to: known.length ? Math.max(...known.map((r) => r.to as number)) : null,
        channels: rows,
      };
    },
  );
}
