/**
 * A facility's solar and net-metering figures from the batch layer's hourly rollups: grid import and
 * export, PV generation, battery charge and discharge, the flows between grid, home, PV and battery,
 * self-consumption and self-sufficiency, per local hour, day or month (src/solar, docs/solar.md).
 */
import type { FastifyInstance } from 'fastify';
import {
  type FlowPeriod,
  FLOW_FIGURE_KEYS,
  FLOW_PERIODS,
  addFigures,
  energyFlows,
} from '../../solar/flows.ts';
import { netCost } from '../../solar/net-cost.ts';
import { type FlowRole, facilitySources } from '../../solar/roles.ts';
import { parseTimeRange, timeSchema } from '../params.ts';
import { defaultEnergyFrom } from '../periods.ts';
import { requirePrincipal } from '../principal.ts';
import { localDays } from '../../util/time/index.ts';
import { errorResponses, idSchema } from './schemas.ts';

const FIGURES = FLOW_FIGURE_KEYS;

const figuresSchema = {
  type: 'object',
  properties: {
    ...Object.fromEntries(FIGURES.map((k) => [k, { type: 'number' }])),
    selfConsumption: { type: ['number', 'null'] },
    selfSufficiency: { type: ['number', 'null'] },
  },
  required: [...FIGURES, 'selfConsumption', 'selfSufficiency'],
} as const;

const netCostSchema = {
  type: 'object',
  properties: {
    currency: { type: 'string' },
    importCost: { type: 'number' },
    exportCredit: { type: 'number' },
    net: { type: 'number' },
  },
  required: ['currency', 'importCost', 'exportCredit', 'net'],
} as const;

const responseSchema = {
  type: 'object',
  properties: {
    period: { type: 'string' },
    from: { type: 'number' },
    to: { type: 'number' },
    metered: {
      type: 'object',
      properties: {
        grid: { type: 'boolean' },
        export: { type: 'boolean' },
        pv: { type: 'boolean' },
        battery: { type: 'boolean' },
      },
      required: ['grid', 'export', 'pv', 'battery'],
    },
    sources: {
      type: 'array',
      items: {
        type: 'object',
        properties: { channelId: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' } },
        required: ['channelId', 'name', 'role'],
      },
    },
    totals: figuresSchema,
    cost: {
      type: ['object', 'null'],
      properties: {
        totals: netCostSchema,
        buckets: {
          type: 'array',
          items: {
            type: 'object',
            properties: { label: { type: 'string' }, ...netCostSchema.properties },
            required: ['label', ...netCostSchema.required],
          },
        },
      },
      required: ['totals', 'buckets'],
    },
    buckets: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          label: { type: 'string' },
          start: { type: 'number' },
          ...figuresSchema.properties,
        },
        required: ['label', 'start', ...figuresSchema.required],
      },
    },
  },
  required: ['period', 'from', 'to', 'metered', 'sources', 'totals', 'buckets', 'cost'],
} as const;

/** Longest range served, days (hourly rows of every source channel are read). */
const MAX_DAYS = 400;

/** Registers the solar route. */
export async function solarRoutes(app: FastifyInstance): Promise<void> {
  app.get<{
    Params: { facilityId: string };
    Querystring: { period?: FlowPeriod; from?: string; to?: string };
  }>(
    '/facilities/:facilityId/solar',
    {
      schema: {
        tags: ['energy'],
        summary:
          "A facility's grid import/export, PV, battery, self-consumption and self-sufficiency per local hour, day or month",
        description:
          'Settled hour by hour (PV serves the home first, then the battery, then the grid), then summed. ' +
          '`to` defaults to now, `from` to 30 local days before it; at most 400 days. `metered` says which ' +
          'flows the facility measures: without a PV channel, consumption and self-sufficiency leave out ' +
          "PV used on site. `cost` (null until the facility's grid meter is priced by a tariff) is the import cost " +
          "less the export credit at the tariff's `exportRate`. See docs/solar.md.",
        params: {
          type: 'object',
          properties: { facilityId: idSchema },
          required: ['facilityId'],
        },
        querystring: {
          type: 'object',
          properties: {
            period: { type: 'string', enum: [...FLOW_PERIODS], default: 'day' },
            from: timeSchema('start, inclusive', 'facility'),
            to: timeSchema('end, exclusive', 'facility'),
          },
          additionalProperties: false,
        },
        response: { 200: responseSchema, ...errorResponses },
      },
    },
    async (request) => {
      const f = await app.access.readableFacilityOrThrow(
        requirePrincipal(request),
        request.params.facilityId,
      );
      const period = request.query.period ?? 'day';
      const { from, to } = parseTimeRange(request.query, {
        timeZone: f.timeZone,
        maxDays: MAX_DAYS,
        defaultTo: app.deps.now,
        defaultFrom: (end) => defaultEnergyFrom(end, 'day', localDays(f.timeZone)),
      });
      const sources = facilitySources(await app.deps.store.catalog.listChannels({ facilityId: f.id }));
      const roles = new Map(sources.map((s) => [s.channel.id, s.role]));
      const hours = sources.length
        ? await app.deps.listRollups({
            level: 'channel',
            period: 'hour',
            facilityId: f.id,
            from,
            to,
            limit: (MAX_DAYS * 25 + 1) * sources.length,
          })
        : [];
      const buckets = energyFlows(hours, roles, period);
      const priced = sources.length
        ? netCost({
            meters: await app.deps.store.catalog.listMeters({ facilityId: f.id }),
            costHours: await app.deps.store.tariffs.listCosts({
              level: 'meter',
              period: 'hour',
              facilityId: f.id,
              from,
              to,
              limit: (MAX_DAYS * 25 + 1) * sources.length,
            }),
            tariffs: await app.deps.store.tariffs.listTariffs(f.orgId),
            hours,
            sources: new Map(
              sources.map((s) => [s.channel.id, { role: s.role, meterId: s.channel.meterId }]),
            ),
            period,
          })
        : undefined;
      const has = (...r: FlowRole[]) => sources.some((s) => r.includes(s.role));
      return {
        period,
        from,
        to,
        metered: {
          grid: has('import', 'net', 'export'),
          export: has('export') || (has('net') && buckets.some((b) => b.gridExport > 0)),
          pv: has('pv'),
          battery: has('battery_charge', 'battery_discharge'),
        },
        sources: sources.map((s) => ({ channelId: s.channel.id, name: s.channel.name, role: s.role })),
        totals: addFigures(buckets),
        buckets,
        cost: priced
          ? {
              totals: priced.totals,
              buckets: [...priced.buckets].map(([label, c]) => ({ label, ...c })),
            }
          : null,
      };
    },
  );
}
