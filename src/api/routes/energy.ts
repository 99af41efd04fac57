/**
 * Energy views from the batch layer's rollups: a facility's daily/weekly/monthly energy with the
 * previous period for comparison, its hour-by-day heat map, its channel (appliance) breakdown, raw
 * rollup rows per channel/meter/facility, and energy per zip code over the caller's facilities.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Facility } from '../../domain/types.ts';
import { NotFoundError } from '../../errors.ts';
import type { RollupQuery, RollupRow } from '../../store/ports/rollups.ts';
import { localDays } from '../../util/time/index.ts';
import { parseTimeRange } from '../params.ts';
import { defaultEnergyFrom, groupLabel } from '../periods.ts';
import { type Principal, requirePrincipal } from '../principal.ts';
import { TAG } from '../serving/generations.ts';
import { errorResponses, facilityParams } from '../shapes/common.ts';
import {
  ENERGY_DEFAULTS,
  type EnergyBucket,
  breakdownRow,
  energyAnswer,
  energyQuery,
  facilityRange,
  heatmap,
  rollupRow,
  rollupsQuery,
  utcRange,
  zipRow,
} from '../shapes/energy.ts';
import type { ZodTypeProvider } from '../zod-routes.ts';
import { documented, sendServed } from './served.ts';

/** Sums rollup rows by a label function, per unit. */
function sumBy(rows: RollupRow[], label: (r: RollupRow) => string): EnergyBucket[] {
  const out = new Map<
    string,
    { label: string; unit: string; energy: number; coverage: number; days: number }
  >();
  for (const r of rows) {
    const l = label(r);
    const k = `${r.unit}\u0000${l}`;
    const e = out.get(k) ?? { label: l, unit: r.unit, energy: 0, coverage: 0, days: 0 };
    e.energy += r.energy;
    e.coverage += r.coverage;
    e.days += 1;
    out.set(k, e);
  }
  return [...out.values()]
    .map(({ days, ...e }) => ({ ...e, coverage: days ? e.coverage / days : 0 }))
    .sort((a, b) => (a.unit === b.unit ? a.label.localeCompare(b.label) : a.unit.localeCompare(b.unit)));
}

/** Registers the energy routes. */
export async function energyRoutes(host: FastifyInstance): Promise<void> {
  const app = host.withTypeProvider<ZodTypeProvider>();
  const { store, listRollups } = app.deps;

  app.get(
    '/facilities/:facilityId/energy',
    {
      schema: {
        tags: ['energy'],
        summary:
          "A facility's energy per local day, ISO week or month, with the same span just before for comparison",
        description: ENERGY_DEFAULTS,
        params: facilityParams,
        querystring: energyQuery,
        response: {
          200: documented(energyAnswer, 'buckets of the range and of the same span before, per unit'),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const p = requirePrincipal(request);
      const f = await app.access.readableFacilityOrThrow(p, request.params.facilityId);
      const { period } = request.query;
      const { from, to } = parseTimeRange(request.query, {
        timeZone: f.timeZone,
        maxDays: 800,
        defaultTo: app.deps.now,
        defaultFrom: (end) => defaultEnergyFrom(end, period, localDays(f.timeZone)),
      });
      // One answer per facility, period and range, kept until a batch run or a catalog change.
      return sendServed(
        reply,
        app.deps.serving,
        { shape: energyAnswer, key: ['energy', f.id, period, from, to], tags: [TAG.rollups, TAG.catalog] },
        async () => {
          const span = to - from;
          const days = (a: number, b: number) =>
            listRollups({ level: 'facility', period: 'day', facilityId: f.id, from: a, to: b });
          const [cur, prev] = await Promise.all([days(from, to), days(from - span, from)]);
          const current = sumBy(cur, (r) => groupLabel(r.label, period));
          const previous = sumBy(prev, (r) => groupLabel(r.label, period));
          const units = [...new Set([...cur, ...prev].map((r) => r.unit))].sort();
          const total = (rows: RollupRow[], unit: string) =>
            rows.filter((r) => r.unit === unit).reduce((s, r) => s + r.energy, 0);
          const totals = units.map((unit) => {
            const c = total(cur, unit);
            const pv = total(prev, unit);
            return { unit, current: c, previous: pv, change: pv > 0 ? (c - pv) / pv : null };
          });
          return { period, current, previous, totals };
        },
      );
    },
  );

  app.get(
    '/facilities/:facilityId/heatmap',
    {
      schema: {
        tags: ['energy'],
        summary: 'Electric energy (Wh) per local hour of each local day: rows are days, columns hours 0-23',
        params: facilityParams,
        querystring: facilityRange,
        response: { 200: heatmap, ...errorResponses },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      const f = await app.access.readableFacilityOrThrow(p, request.params.facilityId);
      const range = parseTimeRange(request.query, { timeZone: f.timeZone, maxDays: 400 });
      const rows = await listRollups({
        level: 'facility',
        period: 'hour',
        facilityId: f.id,
        ...range,
        limit: 400 * 25,
      });
      const byDay = new Map<string, (number | null)[]>();
      let max = 0;
      for (const r of rows) {
        if (r.unit !== 'Wh') continue;
        const day = r.label.slice(0, 10);
        const hour = Number(r.label.slice(11, 13));
        const cells = byDay.get(day) ?? new Array<number | null>(24).fill(null);
        // The repeated hour of a daylight-saving fall-back day adds up in its one cell.
        const v = (cells[hour] ?? 0) + r.energy;
        cells[hour] = v;
        if (v > max) max = v;
        byDay.set(day, cells);
      }
      const days = [...byDay.keys()].sort();
      return { days, energy: days.map((d) => byDay.get(d)!), max };
    },
  );

  app.get(
    '/facilities/:facilityId/breakdown',
    {
      schema: {
        tags: ['energy'],
        summary: 'Energy per channel (mains and appliances) of a facility over a range of local days',
        params: facilityParams,
        querystring: facilityRange,
        response: { 200: breakdownRow.array(), ...errorResponses },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      const f = await app.access.readableFacilityOrThrow(p, request.params.facilityId);
      const range = parseTimeRange(request.query, { timeZone: f.timeZone, maxDays: 800 });
      const [rows, channels] = await Promise.all([
        listRollups({
          level: 'channel',
          period: 'day',
          facilityId: f.id,
          ...range,
          limit: 100_000,
        }),
        store.catalog.listChannels({ facilityId: f.id }),
      ]);
      const mains = new Map(channels.map((c) => [c.id, c.isMains]));
      return sumBy(rows, (r) => r.key).map((s) => {
        const name = rows.find((r) => r.key === s.label)?.name ?? s.label;
        return {
          channelId: s.label,
          name,
          isMains: mains.get(s.label) ?? false,
          unit: s.unit,
          energy: s.energy,
          coverage: s.coverage,
        };
      });
    },
  );

  app.get(
    '/rollups',
    {
      schema: {
        tags: ['energy'],
        summary: 'Hourly or daily rollup rows of one channel, meter or facility',
        querystring: rollupsQuery,
        response: { 200: rollupRow.array(), ...errorResponses },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      const { level, key, period } = request.query;
      const { from, to } = parseTimeRange(request.query, { maxDays: period === 'hour' ? 400 : 3700 });
      await facilityOfKey(host, p, level, key);
      const filter =
        level === 'channel' ? { channelId: key } : level === 'meter' ? { meterId: key } : { facilityId: key };
      return listRollups({ level, period, from, to, ...filter, limit: 100_000 });
    },
  );

  app.get(
    '/zips',
    {
      schema: {
        tags: ['energy'],
        summary: 'Energy per zip code over the facilities I may read: totals and per-day series',
        querystring: utcRange,
        response: {
          200: documented(zipRow.array(), 'energy per zip code and unit, with its days'),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const p = requirePrincipal(request);
      const range = parseTimeRange(request.query, { maxDays: 400 });
      const readable = (await app.access.readableFacilities(p)).map((r) => r.facility).filter((f) => f.zip);
      // Served as one answer per readable set and range: the key names every facility the caller
      // may read with its zip code, so no one is answered from a set that is not theirs.
      const readableKey = createHash('sha1')
        .update(readable.map((f) => `${f.id}\u0000${f.zip}`).join('\u0001'))
        .digest('base64');
      return sendServed(
        reply,
        app.deps.serving,
        {
          shape: zipRow.array(),
          key: ['zips', p.orgId, range.from, range.to, readableKey],
          tags: [TAG.rollups, TAG.catalog],
        },
        () => zipView(listRollups, p.orgId, readable, range),
      );
    },
  );
}

/** Energy per zip code over the readable facilities: totals and per-day series. */
async function zipView(
  listRollups: (q: RollupQuery) => Promise<RollupRow[]>,
  orgId: string,
  readable: Facility[],
  range: { from: number; to: number },
) {
  const zipOf = new Map(readable.map((f) => [f.id, f.zip!]));
  const own = await listRollups({
    level: 'facility',
    period: 'day',
    orgId,
    ...range,
    limit: 1_000_000,
  });
  const rows = own.filter((r) => zipOf.has(r.key));
  for (const f of readable) {
    if (f.orgId === orgId) continue;
    rows.push(
      ...(await listRollups({
        level: 'facility',
        period: 'day',
        facilityId: f.id,
        ...range,
      })),
    );
  }
  const out = new Map<string, { zip: string; unit: string; facilities: Set<string>; rows: RollupRow[] }>();
  for (const r of rows) {
    const zip = zipOf.get(r.key)!;
    const k = `${zip}\u0000${r.unit}`;
    const e = out.get(k) ?? { zip, unit: r.unit, facilities: new Set<string>(), rows: [] };
    e.facilities.add(r.key);
    e.rows.push(r);
    out.set(k, e);
  }
  return [...out.values()]
    .map((e) => {
      const energy = e.rows.reduce((s, r) => s + r.energy, 0);
      return {
        zip: e.zip,
        unit: e.unit,
        facilities: e.facilities.size,
        energy,
        perFacility: energy / e.facilities.size,
        days: sumBy(e.rows, (r) => r.label),
      };
    })
    .sort((a, b) => a.zip.localeCompare(b.zip) || a.unit.localeCompare(b.unit));
}

/** The facility a rollup key belongs to, if the caller may read it; NotFoundError otherwise. */
async function facilityOfKey(
  app: FastifyInstance,
  p: Principal,
  level: 'channel' | 'meter' | 'facility',
  key: string,
) {
  if (level === 'channel') return app.access.channelFacilityOrThrow(p, key);
  if (level === 'facility') return app.access.readableFacilityOrThrow(p, key);
  const meter = await app.deps.store.catalog.getMeter(key);
  if (!meter || !(await app.access.canReadFacility(p, meter.facilityId)))
    throw new NotFoundError('meter', key);
  return app.access.readableFacilityOrThrow(p, meter.facilityId);
}
