/**
 * A facility's solar and net-metering figures from the batch layer's hourly rollups: grid import and
 * export, PV generation, battery charge and discharge, the flows between grid, home, PV and battery,
 * self-consumption and self-sufficiency, per local hour, day or month (src/solar, docs/solar.md).
 */
import type { FastifyInstance } from 'fastify';
import { addFigures, energyFlows } from '../../solar/flows.ts';
import { netCost } from '../../solar/net-cost.ts';
import { type FlowRole, facilitySources } from '../../solar/roles.ts';
import { localDays } from '../../util/time/index.ts';
import { parseTimeRange } from '../params.ts';
import { defaultEnergyFrom } from '../periods.ts';
import { requirePrincipal } from '../principal.ts';
import { errorResponses, facilityParams } from '../shapes/common.ts';
import { solarQuery, solarView } from '../shapes/solar.ts';
import type { ZodTypeProvider } from '../zod-routes.ts';

/** Longest range served, days (hourly rows of every source channel are read). */
const MAX_DAYS = 400;

/** Registers the solar route. */
export async function solarRoutes(host: FastifyInstance): Promise<void> {
  const app = host.withTypeProvider<ZodTypeProvider>();
  app.get(
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
        params: facilityParams,
        querystring: solarQuery,
        response: { 200: solarView, ...errorResponses },
      },
    },
    async (request) => {
      const f = await app.access.readableFacilityOrThrow(
        requirePrincipal(request),
        request.params.facilityId,
      );
      const { period } = request.query;
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
