/** Facilities the caller may see: list with search and filters, detail with meters and channels, edits. */
import type { FastifyInstance } from 'fastify';
import type { Facility, FacilityKind } from '../../domain/types.ts';
import { requirePrincipal } from '../principal.ts';
import { errorResponses, facilitySchema, idSchema, kindSchema } from './schemas.ts';

const facilityParams = {
  type: 'object',
  properties: { facilityId: idSchema },
  required: ['facilityId'],
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
  const { store } = app.deps;

  app.get<{ Querystring: FacilityQuery }>(
    '/facilities',
    {
      schema: {
        tags: ['facilities'],
        summary: 'Facilities of my organisation and those shared with me, with search and filters',
        querystring: {
          type: 'object',
          properties: {
            q: { type: 'string', maxLength: 200 },
            kind: kindSchema,
            zip: { type: 'string', maxLength: 20 },
            tag: { type: 'string', maxLength: 100 },
          },
          additionalProperties: false,
        },
        response: { 200: { type: 'array', items: withAccess }, ...errorResponses },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      const all = await app.access.readableFacilities(p);
      return all
        .filter(({ facility }) => matchesFacility(facility, request.query))
        .map(({ facility, access }) => ({ ...facility, access }))
        .sort((a, b) => a.name.localeCompare(b.name));
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
