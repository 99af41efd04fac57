/** Facilities the caller may see: list with search and filters, detail with meters and channels, edits. */
import type { FastifyInstance } from 'fastify';
import type { Facility } from '../../domain/types.ts';
import { InputError, NotFoundError } from '../../errors.ts';
import { facilityStats } from '../facility-stats.ts';
import { requirePrincipal } from '../principal.ts';
import { errorResponses, facilityParams } from '../shapes/common.ts';
import {
  type FacilityQuery,
  facility as facilityShape,
  facilityDetail,
  facilityPatch,
  facilityQuery,
  facilitySummary,
  fleetItem,
} from '../shapes/facilities.ts';
import type { ZodTypeProvider } from '../zod-routes.ts';

/** True when a facility matches the list filters (search is case-insensitive over name, address, zip, tags). */
export function matchesFacility(f: Facility, q: FacilityQuery): boolean {
  if (q.kind && f.kind !== q.kind) return false;
  if (q.zip && f.zip !== q.zip) return false;
  if (q.tag && !f.tags.includes(q.tag)) return false;
  if (q.q) {
    const needle = q.q.toLowerCase();
    const hay = [f.id, f.name, f.address ?? '', f.zip ?? '', ...f.tags].join(' ').toLowerCase();
    if (!hay.includes(needle)) return false;
  }
  return true;
}

/** Registers facility routes. */
export async function facilityRoutes(host: FastifyInstance): Promise<void> {
  const app = host.withTypeProvider<ZodTypeProvider>();
  const { store, now } = app.deps;

  app.get(
    '/facilities',
    {
      schema: {
        tags: ['facilities'],
        summary:
          'Facilities of my organisation and those shared with me: search, filters, latest power, energy today, open alerts, score',
        querystring: facilityQuery,
        response: { 200: fleetItem.array(), ...errorResponses },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      const q = request.query;
      if ((q.minScore !== undefined || q.maxScore !== undefined) && q.product === undefined) {
        throw new InputError('minScore and maxScore need a product', { field: 'product' });
      }
      const matching = (await app.access.readableFacilities(p)).filter(({ facility }) =>
        matchesFacility(facility, q),
      );
      const stats = await facilityStats(
        store,
        matching.map((m) => m.facility),
        now(),
        { ...app.deps, openAlerts: app.deps.serving.openAlerts },
      );
      const scores = q.product
        ? new Map(
            (
              await store.scores.ranking(q.product, {
                facilityIds: matching.map((m) => m.facility.id),
                limit: 100_000,
              })
            ).map((sc) => [sc.facilityId, sc]),
          )
        : undefined;
      return matching
        .map(({ facility, access }) => {
          const sc = scores?.get(facility.id);
          return {
            ...facility,
            access,
            ...stats.get(facility.id)!,
            score: sc?.score ?? null,
            scoreLabel: sc?.label ?? null,
          };
        })
        .filter((f) => q.openAlerts === undefined || f.openAlerts > 0 === q.openAlerts)
        .filter((f) => q.minScore === undefined || (f.score !== null && f.score >= q.minScore))
        .filter((f) => q.maxScore === undefined || (f.score !== null && f.score <= q.maxScore))
        .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    },
  );

  app.get(
    '/facilities/:facilityId/summary',
    {
      schema: {
        tags: ['facilities'],
        summary:
          "A facility dashboard's live figures: latest power per channel and in total, energy today, open alerts",
        params: facilityParams,
        response: { 200: facilitySummary, ...errorResponses },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      const facility = await app.access.readableFacilityOrThrow(p, request.params.facilityId);
      const channels = await app.deps.channelsOf(facility.id);
      const values = await app.deps.serving.latest(facility.id, channels);
      const stats = await facilityStats(store, [facility], now(), {
        ...app.deps,
        latest: values,
        openAlerts: app.deps.serving.openAlerts,
      });
      const latest = new Map(values.map((l) => [l.channelId, l]));
      return {
        facilityId: facility.id,
        ...stats.get(facility.id)!,
        channels: channels.map((c) => ({
          channelId: c.id,
          name: c.appliance ?? c.name,
          isMains: c.isMains,
          unit: c.unit,
          ts: latest.get(c.id)?.ts ?? null,
          value: latest.get(c.id)?.value ?? null,
        })),
      };
    },
  );

  app.get(
    '/facilities/:facilityId',
    {
      schema: {
        tags: ['facilities'],
        summary: 'One facility with its meters and channels',
        params: facilityParams,
        response: { 200: facilityDetail, ...errorResponses },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      const facility = await app.access.readableFacilityOrThrow(p, request.params.facilityId);
      const access = await app.access.facilityAccess(p, facility.id);
      if (!access) throw new NotFoundError('facility', facility.id);
      const [meters, channels] = await Promise.all([
        store.catalog.listMeters({ facilityId: facility.id }),
        store.catalog.listChannels({ facilityId: facility.id }),
      ]);
      return { facility: { ...facility, access }, meters, channels };
    },
  );

  app.patch(
    '/facilities/:facilityId',
    {
      schema: {
        tags: ['facilities'],
        summary: "Change a facility's name, kind, address, zip code, time zone or tags (edit access)",
        params: facilityParams,
        body: facilityPatch,
        response: { 200: facilityShape, ...errorResponses },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      const facility = await app.access.editableFacilityOrThrow(p, request.params.facilityId);
      const next: Facility = { ...facility, ...request.body };
      await store.catalog.upsertFacilities([next]);
      return next;
    },
  );
}
