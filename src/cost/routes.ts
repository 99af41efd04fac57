/**
 * Cost routes under /api/v1: priced rows of one channel, meter or facility (`GET /costs`), every
 * readable facility's rows for the fleet view (`GET /costs/fleet`) and summed per zip code
 * (`GET /costs/zips`), and the organisation's tariffs
 * (`GET /tariffs`; admins load files with `POST /tariffs`, which reprices the organisation's meters).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseTimeRange, timeSchema } from '../api/params.ts';
import { requirePrincipal, requireRole } from '../api/principal.ts';
import { errorResponses, idSchema } from '../api/routes/schemas.ts';
import { NotFoundError } from '../errors.ts';
import { COST_PERIODS, type CostPeriod, type CostServed } from '../store/ports/tariffs.ts';
import { describeTariffs } from './describe.ts';
import { importPrices, type PriceFile } from './import.ts';

const TAGS = ['costs'];
const nullableNumber = { type: ['number', 'null'] } as const;

const costRowSchema = {
  type: 'object',
  properties: {
    level: { type: 'string' },
    key: { type: 'string' },
    commodity: { type: 'string' },
    period: { type: 'string' },
    start: { type: 'number' },
    label: { type: 'string' },
    currency: { type: 'string' },
    unit: { type: 'string' },
    energy: { type: 'number' },
    energyCost: { type: 'number' },
    standing: { type: 'number' },
    demand: { type: 'number' },
    cost: { type: 'number' },
    co2: nullableNumber,
    meters: { type: 'number' },
  },
  required: [
    'level',
    'key',
    'commodity',
    'period',
    'start',
    'label',
    'currency',
    'unit',
    'energy',
    'cost',
    'co2',
  ],
} as const;

const range = {
  from: timeSchema('start, inclusive (period start)'),
  to: timeSchema('end, exclusive'),
} as const;

/** Query and answer of the routes over every readable facility (fleet, zip codes). */
const perFacilitySchema = {
  querystring: {
    type: 'object',
    properties: { period: { type: 'string', enum: ['day', 'month'] }, ...range },
    required: ['period', 'from', 'to'],
    additionalProperties: false,
  },
  response: { 200: { type: 'array', items: costRowSchema }, ...errorResponses },
} as const;

/** Longest range per period: hours are many rows. */
const MAX_DAYS: Record<CostPeriod, number> = { hour: 400, day: 3700, month: 3700 };

const tariffSummarySchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    commodity: { type: 'string' },
    validFrom: { type: 'string' },
    validTo: { type: ['string', 'null'] },
    currency: { type: 'string' },
    unit: { type: 'string' },
    energy: { type: 'string' },
    standingPerDay: { type: 'number' },
    demand: { type: ['string', 'null'] },
    carbon: { type: ['string', 'null'] },
    default: { type: 'boolean' },
    tariff: { type: ['object', 'null'], additionalProperties: true },
  },
  required: ['name', 'commodity', 'validFrom', 'validTo', 'energy'],
} as const;

/**
 * Sums facility rows into zip-code rows: one per zip code, commodity, currency, unit and period start.
 * Facilities without a zip code are left out.
 */
export function sumByZip(rows: readonly CostServed[], zipOf: ReadonlyMap<string, string>): CostServed[] {
  const out = new Map<string, CostServed>();
  for (const r of rows) {
    const zip = zipOf.get(r.key);
    if (!zip) continue;
    const k = [zip, r.commodity, r.currency, r.unit, r.start].join('\u0000');
    const e = out.get(k);
    if (!e) {
      out.set(k, { ...r, level: 'zip', key: zip });
      continue;
    }
    e.energy += r.energy;
    e.energyCost += r.energyCost;
    e.standing += r.standing;
    e.demand += r.demand;
    e.cost += r.cost;
    // Known CO2 adds up; a facility without a grid-intensity profile adds nothing (null only when none has one).
    e.co2 = e.co2 === null ? r.co2 : r.co2 === null ? e.co2 : e.co2 + r.co2;
    e.meters += r.meters;
  }
  return [...out.values()].sort((a, b) => a.key.localeCompare(b.key) || a.start - b.start);
}

/** Registers the cost routes (inside the /api/v1 prefix). */
export async function costRoutes(app: FastifyInstance): Promise<void> {
  const { store } = app.deps;

  /** Facility rows of every facility the caller may read (own organisation's, then shared ones). */
  const readableFacilityCosts = async (
    request: FastifyRequest<{ Querystring: { period: CostPeriod; from: string; to: string } }>,
  ): Promise<{ rows: CostServed[]; zipOf: Map<string, string> }> => {
    const p = requirePrincipal(request);
    const { period } = request.query;
    const { from, to } = parseTimeRange(request.query, { maxDays: 800 });
    const readable = await app.access.readableFacilities(p);
    const q = { level: 'facility' as const, period, from, to, limit: 1_000_000 };
    const rows: CostServed[] = await store.tariffs.listCosts({ ...q, orgId: p.orgId });
    const shared = readable.filter((r) => r.facility.orgId !== p.orgId).map((r) => r.facility.id);
    if (shared.length) rows.push(...(await store.tariffs.listCosts({ ...q, facilityIds: shared })));
    const zipOf = new Map<string, string>();
    for (const r of readable) if (r.facility.zip) zipOf.set(r.facility.id, r.facility.zip);
    return { rows, zipOf };
  };

  app.get<{
    Querystring: {
      level: 'channel' | 'meter' | 'facility';
      key: string;
      period: CostPeriod;
      from: string;
      to: string;
    };
  }>(
    '/costs',
    {
      schema: {
        tags: TAGS,
        summary: 'Cost and CO2 of one channel, meter or facility per local hour, day or month, per commodity',
        description:
          'Meters and facilities include standing charges (days and months) and demand charges (months); ' +
          "a channel is priced at its meter's price of each hour, without fixed charges. Empty until tariffs are " +
          'loaded (POST /tariffs) and the batch layer has run.',
        querystring: {
          type: 'object',
          properties: {
            level: { type: 'string', enum: ['channel', 'meter', 'facility'] },
            key: idSchema,
            period: { type: 'string', enum: [...COST_PERIODS] },
            ...range,
          },
          required: ['level', 'key', 'period', 'from', 'to'],
          additionalProperties: false,
        },
        response: { 200: { type: 'array', items: costRowSchema }, ...errorResponses },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      const { level, key, period } = request.query;
      const { from, to } = parseTimeRange(request.query, { maxDays: MAX_DAYS[period] });
      if (level === 'channel') await app.access.channelFacilityOrThrow(p, key);
      else if (level === 'facility') await app.access.readableFacilityOrThrow(p, key);
      else {
        const meter = await store.catalog.getMeter(key);
        if (!meter || !(await app.access.canReadFacility(p, meter.facilityId)))
          throw new NotFoundError('meter', key);
      }
      const filter =
        level === 'channel' ? { channelId: key } : level === 'meter' ? { meterId: key } : { facilityId: key };
      return store.tariffs.listCosts({ level, period, from, to, ...filter, limit: 100_000 });
    },
  );

  app.get<{ Querystring: { period: CostPeriod; from: string; to: string } }>(
    '/costs/fleet',
    {
      schema: {
        tags: TAGS,
        summary: 'Cost and CO2 of every facility I may read, per local day or month, per commodity',
        ...perFacilitySchema,
      },
    },
    async (request) => (await readableFacilityCosts(request)).rows,
  );

  app.get<{ Querystring: { period: CostPeriod; from: string; to: string } }>(
    '/costs/zips',
    {
      schema: {
        tags: TAGS,
        summary:
          'Cost and CO2 per zip code over the facilities I may read, per local day or month, per commodity',
        description:
          "Each row sums the day's or month's rows of the readable facilities in one zip code (key); `meters` " +
          "counts the meters summed. Facilities I may not read (another organisation's, unless shared) are left out.",
        ...perFacilitySchema,
      },
    },
    async (request) => {
      const { rows, zipOf } = await readableFacilityCosts(request);
      return sumByZip(rows, zipOf);
    },
  );

  app.get(
    '/tariffs',
    {
      schema: {
        tags: TAGS,
        summary: "My organisation's tariff versions and the regions of its grid-intensity profiles",
        response: {
          200: {
            type: 'object',
            properties: {
              tariffs: { type: 'array', items: tariffSummarySchema },
              regions: { type: 'array', items: { type: 'string' } },
            },
            required: ['tariffs', 'regions'],
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      const tariffs = describeTariffs(await store.tariffs.listTariffs(p.orgId));
      const regions = [...new Set((await store.tariffs.listIntensity(p.orgId)).map((r) => r.region))];
      return { tariffs, regions };
    },
  );

  app.post<{ Body: { files: PriceFile[] } }>(
    '/tariffs',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: TAGS,
        summary:
          'Load tariff files (YAML/JSON) and grid-intensity CSVs into my organisation, then reprice its meters',
        description:
          'Each file is checked before anything is stored; a bad one answers 400 naming the file and the field or ' +
          "line. A tariff name given replaces all that name's stored versions; a region given replaces its profile.",
        body: {
          type: 'object',
          properties: {
            files: {
              type: 'array',
              minItems: 1,
              maxItems: 20,
              items: {
                type: 'object',
                properties: {
                  name: { type: 'string', minLength: 1, maxLength: 200 },
                  text: { type: 'string', maxLength: 2_000_000 },
                },
                required: ['name', 'text'],
                additionalProperties: false,
              },
            },
          },
          required: ['files'],
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: {
              tariffs: { type: 'number' },
              intensity: { type: 'number' },
              meters: { type: 'number' },
              rows: { type: 'number' },
              warnings: { type: 'array', items: { type: 'string' } },
            },
            required: ['tariffs', 'intensity', 'meters', 'rows', 'warnings'],
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      const r = await importPrices(store, p.orgId, request.body.files, { now: app.deps.now() });
      return {
        tariffs: r.tariffs.length,
        intensity: r.intensity.length,
        meters: r.pricing?.meters ?? 0,
        rows: r.pricing?.rows ?? 0,
        warnings: r.pricing?.warnings ?? [],
      };
    },
  );
}
