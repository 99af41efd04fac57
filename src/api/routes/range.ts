/**
 * Any range of local days with its comparison (issue 16, item 4): `GET /facilities/:id/range?from=
 * 2026-11-01&to=2026-11-30&cmp=prev|year` answers the energy of those days and of the period compared
 * with, per unit with the change in the unit and in %, the resolution a chart of the range reads at,
 * and the UTC instants the local days span (23 or 25 hours on clock-change days).
 */
import type { FastifyInstance } from 'fastify';
import { InputError } from '../../errors.ts';
import type { RollupRow } from '../../store/ports/rollups.ts';
import {
  comparisonRange,
  type DateRange,
  localDays,
  parseRangeParams,
  periodDelta,
  rangeDays,
  rangeInstants,
  resolutionFor,
} from '../../util/time/index.ts';
import { requirePrincipal } from '../principal.ts';
import { errorResponses, facilityParams } from '../shapes/common.ts';
import { rangeAnswer, rangeQuery } from '../shapes/energy.ts';
import type { ZodTypeProvider } from '../zod-routes.ts';

/** Registers `GET /facilities/:facilityId/range`. */
export async function rangeRoutes(host: FastifyInstance): Promise<void> {
  const app = host.withTypeProvider<ZodTypeProvider>();
  const { listRollups } = app.deps;
  app.get(
    '/facilities/:facilityId/range',
    {
      schema: {
        tags: ['energy'],
        summary:
          "Energy of a range of the facility's local days, with the previous period or the same one a year earlier",
        params: facilityParams,
        querystring: rangeQuery,
        response: { 200: rangeAnswer, ...errorResponses },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      const f = await app.access.readableFacilityOrThrow(p, request.params.facilityId);
      const parsed = parseRangeParams(request.query);
      if (!parsed.ok) throw new InputError(parsed.message, { field: parsed.field });
      const days = localDays(f.timeZone);
      const span = (r: DateRange) => ({
        ...r,
        ...(({ from, to }) => ({ start: from, end: to }))(rangeInstants(r, days)),
      });
      const current = span(parsed.range);
      const cmp = parsed.cmp ? span(comparisonRange(parsed.range, parsed.cmp)) : null;
      const read = (r: { start: number; end: number }) =>
        listRollups({ level: 'facility', period: 'day', facilityId: f.id, from: r.start, to: r.end });
      const [cur, prev] = await Promise.all([read(current), cmp ? read(cmp) : Promise.resolve([])]);
      const sum = (rows: RollupRow[], unit: string) =>
        rows.filter((r) => r.unit === unit).reduce((s, r) => s + r.energy, 0);
      const units = [...new Set([...cur, ...prev].map((r) => r.unit))].sort();
      const totals = units.map((unit) => {
        const c = sum(cur, unit);
        if (!cmp) return { unit, current: c, comparison: null, delta: null, percent: null };
        const before = sum(prev, unit);
        return { unit, current: c, comparison: before, ...periodDelta(c, before) };
      });
      return {
        timeZone: f.timeZone,
        resolution: resolutionFor(rangeDays(parsed.range)),
        range: current,
        comparison: cmp,
        days: cur
          .map((r) => ({ label: r.label, unit: r.unit, energy: r.energy }))
          .sort((a, b) => a.label.localeCompare(b.label) || a.unit.localeCompare(b.unit)),
        totals,
      };
    },
  );
}
