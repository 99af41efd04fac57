/** Facilities the caller may see: list with search and filters, detail with meters and channels, edits. */
import type { FastifyInstance } from 'fastify';
import type { Facility, FacilityKind } from '../../domain/types.ts';
import { InputError } from '../../errors.ts';
import { facilityStats } from '../facility-stats.ts';
import { requirePrincipal } from '../principal.ts';
import { errorResponses, facilitySchema, idSchema, kindSchema } from './schemas.ts';

const facilityParams = {
  type: 'object',
  properties: { facilityId: idSchema },
  required: ['facilityId'],
} as const;
const statsSchema = {
  latestPower: {
    type: ['number', 'null'],
    description:
      'sum of the latest mains power values, W; for a meter with only interval energy, its average power over the newest interval',
  },
  latestPowerDerived: {
    type: 'boolean',
    description: 'true when (part of) latestPower is derived from interval energy rather than measured',
  },
  latestTs: { type: ['number', 'null'] },
  today: {
    type: 'array',
    items: { type: 'object', properties: { unit: { type: 'string' }, energy: { type: 'number' } } },
    description: "energy of the facility's current local day so far",
  },
  openAlerts: { type: 'number' },
} as const;
const listItem = {
  type: 'object',
  properties: {
    ...facilitySchema.properties,
    access: { type: 'string', enum: ['read', 'edit'] },
    ...statsSchema,
    score: { type: ['number', 'null'] },
    scoreLabel: { type: ['string', 'null'] },
  },
  required: [...facilitySchema.required, 'access', 'latestPower', 'today', 'openAlerts'],
} as const;
const withAccess = {
  type: 'object',
  properties: { ...facilitySchema.properties, access: { type: 'string', enum: ['read', 'edit'] } },
  required: [...facilitySchema.required, 'access'],
} as const;
const meterSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    facilityId: { type: 'string' },
    serviceType: { type: 'string' },
    utilityMeterNumber: { type: ['string', 'null'] },
    serviceId: { type: ['string', 'null'] },
    tariff: { type: ['string', 'null'] },
    utility: { type: ['string', 'null'] },
  },
  required: ['id', 'facilityId', 'serviceType'],
} as const;
const channelSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    meterId: { type: 'string' },
    name: { type: 'string' },
    isMains: { type: 'boolean' },
    appliance: { type: ['string', 'null'] },
    measurement: { type: 'string' },
    unit: { type: 'string' },
    intervalMs: { type: ['number', 'null'] },
    maxGapMs: { type: ['number', 'null'] },
    rolloverAt: { type: ['number', 'null'] },
  },
  required: ['id', 'meterId', 'name', 'isMains', 'measurement', 'unit'],
} as const;

/** Query of the facility list. */
export interface FacilityQuery {
  q?: string;
  kind?: FacilityKind;
  zip?: string;
  tag?: string;
  /** true: only facilities with open alerts; false: only those without. */
  openAlerts?: boolean;
  /** Analytic product whose newest score is shown (and filtered by minScore/maxScore). */
  product?: string;
  minScore?: number;
  maxScore?: number;
}

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
export async function facilityRoutes(app: FastifyInstance): Promise<void> {
  const { store, now } = app.deps;

  app.get<{ Querystring: FacilityQuery }>(
    '/facilities',
    {
      schema: {
        tags: ['facilities'],
        summary:
          'Facilities of my organisation and those shared with me: search, filters, latest power, energy today, open alerts, score',
        querystring: {
          type: 'object',
          properties: {
            q: { type: 'string', maxLength: 200 },
            kind: kindSchema,
            zip: { type: 'string', maxLength: 20 },
            tag: { type: 'string', maxLength: 100 },
            openAlerts: { type: 'boolean' },
            product: { type: 'string', minLength: 1, maxLength: 100 },
            minScore: { type: 'number', minimum: 0, maximum: 100, description: 'scores run from 0 to 100' },
            maxScore: { type: 'number', minimum: 0, maximum: 100, description: 'scores run from 0 to 100' },
          },
          additionalProperties: false,
        },
        response: { 200: { type: 'array', items: listItem }, ...errorResponses },
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

  app.get<{ Params: { facilityId: string } }>(
    '/facilities/:facilityId/summary',
    {
      schema: {
        tags: ['facilities'],
        summary:
          "A facility dashboard's live figures: latest power per channel and in total, energy today, open alerts",
        params: facilityParams,
        response: {
          200: {
            type: 'object',
            properties: {
              facilityId: { type: 'string' },
              ...statsSchema,
              channels: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    channelId: { type: 'string' },
                    name: { type: 'string' },
                    isMains: { type: 'boolean' },
                    unit: { type: 'string' },
                    ts: { type: ['number', 'null'] },
                    value: { type: ['number', 'null'] },
                  },
                },
              },
            },
            required: ['facilityId', 'latestPower', 'today', 'openAlerts', 'channels'],
          },
          ...errorResponses,
        },
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

  app.get<{ Params: { facilityId: string } }>(
    '/facilities/:facilityId',
    {
      schema: {
        tags: ['facilities'],
        summary: 'One facility with its meters and channels',
        params: facilityParams,
        response: {
          200: {
            type: 'object',
            properties: {
              facility: withAccess,
              meters: { type: 'array', items: meterSchema },
              channels: { type: 'array', items: channelSchema },
            },
            required: ['facility', 'meters', 'channels'],
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      const facility = await app.access.readableFacilityOrThrow(p, request.params.facilityId);
      const access = await app.access.facilityAccess(p, facility.id);
      const [meters, channels] = await Promise.all([
        store.catalog.listMeters({ facilityId: facility.id }),
        store.catalog.listChannels({ facilityId: facility.id }),
      ]);
      return { facility: { ...facility, access }, meters, channels };
    },
  );

  app.patch<{
    Params: { facilityId: string };
    Body: Partial<Pick<Facility, 'name' | 'kind' | 'address' | 'zip' | 'tags' | 'timeZone'>>;
  }>(
    '/facilities/:facilityId',
    {
      schema: {
        tags: ['facilities'],
        summary: "Change a facility's name, kind, address, zip code, time zone or tags (edit access)",
        params: facilityParams,
        body: {
          type: 'object',
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            kind: kindSchema,
            address: { type: ['string', 'null'], maxLength: 500 },
            zip: { type: ['string', 'null'], maxLength: 20 },
            timeZone: { type: 'string', minLength: 1, maxLength: 64 },
            tags: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 100 }, maxItems: 50 },
          },
          additionalProperties: false,
        },
        response: { 200: facilitySchema, ...errorResponses },
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
