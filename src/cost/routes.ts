/**
 * Cost routes under /api/v1: priced rows of one channel, meter or facility (`GET /costs`), every
 * readable facility's rows for the fleet view (`GET /costs/fleet`) and summed per zip code
 * (`GET /costs/zips`), and the organisation's tariffs
 * (`GET /tariffs`; admins load files with `POST /tariffs`, which reprices the organisation's meters).
 */
import type { FastifyInstance } from 'fastify';
import { parseTimeRange } from '../api/params.ts';
import { type Principal, requirePrincipal, requireRole } from '../api/principal.ts';
import { errorResponses } from '../api/shapes/common.ts';
import {
  costRow,
  costsQuery,
  type FleetCostsQuery,
  fleetCostsQuery,
  priceFiles,
  pricesLoaded,
  tariffsOverview,
} from '../api/shapes/costs.ts';
import type { ZodTypeProvider } from '../api/zod-routes.ts';
import { NotFoundError } from '../errors.ts';
import type { CostPeriod, CostServed } from '../store/ports/tariffs.ts';
import { describeTariffs } from './describe.ts';
import { importPrices } from './import.ts';

const TAGS = ['costs'];

/** Query and answer of the routes over every readable facility (fleet, zip codes). */
const perFacilitySchema = {
  querystring: fleetCostsQuery,
  response: { 200: costRow.array(), ...errorResponses },
} as const;

/** Longest range per period: hours are many rows. */
const MAX_DAYS: Record<CostPeriod, number> = { hour: 400, day: 3700, month: 3700 };

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
export async function costRoutes(host: FastifyInstance): Promise<void> {
  const app = host.withTypeProvider<ZodTypeProvider>();
  const { store } = app.deps;

  /** Facility rows of every facility the caller may read (own organisation's, then shared ones). */
  const readableFacilityCosts = async (
    p: Principal,
    query: FleetCostsQuery,
  ): Promise<{ rows: CostServed[]; zipOf: Map<string, string> }> => {
    const { period } = query;
    const { from, to } = parseTimeRange(query, { maxDays: 800 });
    const readable = await app.access.readableFacilities(p);
    const q = { level: 'facility' as const, period, from, to, limit: 1_000_000 };
    const rows: CostServed[] = await store.tariffs.listCosts({ ...q, orgId: p.orgId });
    const shared = readable.filter((r) => r.facility.orgId !== p.orgId).map((r) => r.facility.id);
    if (shared.length) rows.push(...(await store.tariffs.listCosts({ ...q, facilityIds: shared })));
    const zipOf = new Map<string, string>();
    for (const r of readable) if (r.facility.zip) zipOf.set(r.facility.id, r.facility.zip);
    return { rows, zipOf };
  };

  app.get(
    '/costs',
    {
      schema: {
        tags: TAGS,
        summary: 'Cost and CO2 of one channel, meter or facility per local hour, day or month, per commodity',
        description:
          'Meters and facilities include standing charges (days and months) and demand charges (months); ' +
          "a channel is priced at its meter's price of each hour, without fixed charges. Empty until tariffs are " +
          'loaded (POST /tariffs) and the batch layer has run.',
        querystring: costsQuery,
        response: { 200: costRow.array(), ...errorResponses },
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

  app.get(
    '/costs/fleet',
    {
      schema: {
        tags: TAGS,
        summary: 'Cost and CO2 of every facility I may read, per local day or month, per commodity',
        ...perFacilitySchema,
      },
    },
    async (request) => (await readableFacilityCosts(requirePrincipal(request), request.query)).rows,
  );

  app.get(
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
      const { rows, zipOf } = await readableFacilityCosts(requirePrincipal(request), request.query);
      return sumByZip(rows, zipOf);
    },
  );

  app.get(
    '/tariffs',
    {
      schema: {
        tags: TAGS,
        summary: "My organisation's tariff versions and the regions of its grid-intensity profiles",
        response: { 200: tariffsOverview, ...errorResponses },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      const tariffs = describeTariffs(await store.tariffs.listTariffs(p.orgId));
      const regions = [...new Set((await store.tariffs.listIntensity(p.orgId)).map((r) => r.region))];
      return { tariffs, regions };
    },
  );

  app.post(
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
        body: priceFiles,
        response: { 200: pricesLoaded, ...errorResponses },
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
