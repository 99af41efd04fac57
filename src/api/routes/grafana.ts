/**
 * Grafana's JSON data source, the protocol of simpod-json-datasource 0.6.x (the version pinned in
 * `grafana/provisioning`): `GET /` answers the connection test, `/metrics` and
 * `/metric-payload-options` fill the query builder, `/variable` fills query variables, `/query`
 * returns channel series or alerts (as a table, which Grafana also reads as annotations), and
 * `/tag-keys` / `/tag-values` offer ad hoc filters on facility attributes. Grafana authenticates with
 * an API token (`Authorization: Bearer ...` as a custom header).
 */
import type { FastifyInstance } from 'fastify';
import { formatQuantity } from '../../domain/quantity.ts';
import type { Alert, Channel, Facility } from '../../domain/types.ts';
import { InputError } from '../../errors.ts';
import { parseTimeRange } from '../params.ts';
import { type Principal, requirePrincipal } from '../principal.ts';
import { errorResponses, okBody } from '../shapes/common.ts';
import {
  type AdhocFilter,
  type AlertTable,
  GRAFANA_TAG_KEYS,
  type QueryAnswer,
  type QueryTarget,
  metric,
  metricsBody,
  optionList,
  payloadOptionsBody,
  queryAnswer,
  queryBody,
  tagKeys,
  tagValues,
  tagValuesBody,
  variableBody,
  variableValues,
} from '../shapes/grafana.ts';
import type { ZodTypeProvider } from '../zod-routes.ts';
import { readSeries } from './explore.ts';
import { expandVariable, facilityLabel, passesFilters, payloadValues, tagValue } from './grafana-targets.ts';

/** A series label: "facility / channel". */
const channelLabel = (f: Facility, c: Channel) => `${f.name} / ${c.appliance ?? c.name}`;

/** Registers the Grafana data-source routes under /api/grafana. */
export async function grafanaRoutes(host: FastifyInstance): Promise<void> {
  const app = host.withTypeProvider<ZodTypeProvider>();
  const { store } = app.deps;
  // Grafana's protocol reads with POST: a token with the `read` scope may use every route here.
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, reads: true };
  });

  /** Facilities the caller may read that pass the ad hoc filters. */
  const facilities = async (p: Principal, filters: readonly AdhocFilter[] = []) =>
    (await app.access.readableFacilities(p)).map((r) => r.facility).filter((f) => passesFilters(f, filters));

  /** Readable channels, of the given facilities only when some are named. */
  const channels = async (p: Principal, facilityIds: string[]) => {
    const fs =
      facilityIds.length > 0
        ? await Promise.all(facilityIds.map((id) => app.access.readableFacilityOrThrow(p, id)))
        : await facilities(p);
    const out: { facility: Facility; channel: Channel }[] = [];
    for (const facility of fs) {
      for (const channel of await store.catalog.listChannels({ facilityId: facility.id })) {
        out.push({ facility, channel });
      }
    }
    return out;
  };

  app.get(
    '/',
    {
      schema: {
        tags: ['grafana'],
        summary: 'Connection test ("Save & test" in Grafana)',
        response: { 200: okBody, ...errorResponses },
      },
    },
    async (request) => {
      requirePrincipal(request);
      return { ok: true };
    },
  );

  app.post(
    '/metrics',
    {
      schema: {
        tags: ['grafana'],
        summary: 'Metrics of the query builder: channel readings and alerts, with their payload fields',
        body: metricsBody,
        response: { 200: metric.array(), ...errorResponses },
      },
    },
    async (request) => {
      requirePrincipal(request);
      const facility = {
        label: 'Facility',
        name: 'facility',
        type: 'select',
        placeholder: 'any readable facility',
      };
      const all = [
        {
          label: 'Channel readings',
          value: 'channel',
          payloads: [
            facility,
            { label: 'Channels', name: 'channel', type: 'multi-select', placeholder: 'choose channels' },
          ],
        },
        { label: 'Alerts', value: 'alerts', payloads: [facility] },
      ];
      return all;
    },
  );

  app.post(
    '/metric-payload-options',
    {
      schema: {
        tags: ['grafana'],
        summary: 'Options of a builder field: readable facilities, or the channels of the chosen facility',
        body: payloadOptionsBody,
        response: { 200: optionList, ...errorResponses },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      const { metric, payload, name } = request.body;
      if (name === 'facility')
        return (await facilities(p)).map((f) => ({ label: facilityLabel(f), value: f.id }));
      if (name === 'channel' && metric === 'channel')
        return (await channels(p, payloadValues(payload, 'facility'))).map(({ facility, channel }) => ({
          label: `${channelLabel(facility, channel)} (${channel.unit})`,
          value: channel.id,
        }));
      throw new InputError(`metric '${metric}' has no field '${name}'`, { field: 'name' });
    },
  );

  app.post(
    '/variable',
    {
      schema: {
        tags: ['grafana'],
        summary:
          'Values of a query variable: `channels` (optionally `{"target":"channels","facility":"$facility"}`) or `facilities`, as { __text, __value }',
        body: variableBody,
        response: { 200: variableValues, ...errorResponses },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      const payload = request.body.payload ?? {};
      const target = (typeof payload['target'] === 'string' ? payload['target'] : '').trim();
      if (target === 'facilities')
        return (await facilities(p)).map((f) => ({ __text: facilityLabel(f), __value: f.id }));
      if (target === '' || target === 'channels')
        return (await channels(p, payloadValues(payload, 'facility'))).map(({ facility, channel }) => ({
          __text: `${channelLabel(facility, channel)} (${channel.unit})`,
          __value: channel.id,
        }));
      throw new InputError(`expected 'channels' or 'facilities', got '${target}'`, {
        field: 'payload.target',
      });
    },
  );

  app.post(
    '/query',
    {
      schema: {
        tags: ['grafana'],
        summary:
          'Series of channels (target: channel ids, `$channel`, or `channel` with payload.channel) or alerts (target `alerts`, payload.facility) as a table that Grafana also reads as annotations',
        body: queryBody,
        response: { 200: queryAnswer, ...errorResponses },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      const { from, to } = parseTimeRange(request.body.range, { fields: ['range.from', 'range.to'] });
      const filters = request.body.adhocFilters ?? [];
      const width = Math.min(10_000, Math.max(10, request.body.maxDataPoints ?? 1000));
      const out: QueryAnswer = [];
      for (const t of request.body.targets) {
        if (t.hide || !t.target) continue;
        if (t.target === 'alerts') {
          out.push(await alertsTable(p, t, { from, to }, filters));
          continue;
        }
        const ids = t.target === 'channel' ? payloadValues(t.payload, 'channel') : expandVariable(t.target);
        for (const id of ids) {
          const facility = await app.access.channelFacilityOrThrow(p, id);
          if (!passesFilters(facility, filters)) continue;
          const ch = await store.catalog.getChannel(id);
          const s = await readSeries(store.readings, id, {
            from,
            to,
            agg: 'auto',
            width,
            intervalMs: ch?.intervalMs,
          });
          const values = s.raw ? s.value : s.mean;
          out.push({
            target: ch ? channelLabel(facility, ch) : id,
            refId: t.refId ?? '',
            datapoints: s.ts.map((ts, i) => [values[i]!, ts]),
          });
        }
      }
      return out;
    },
  );

  /** Alerts of the readable (or named) facilities in the range as a table with Grafana's annotation columns. */
  const alertsTable = async (
    p: Principal,
    t: QueryTarget,
    range: { from: number; to: number },
    filters: readonly AdhocFilter[],
  ): Promise<AlertTable> => {
    const named = payloadValues(t.payload, 'facility');
    const fs = (
      named.length > 0
        ? await Promise.all(named.map((id) => app.access.readableFacilityOrThrow(p, id)))
        : await facilities(p)
    ).filter((f) => passesFilters(f, filters));
    const byId = new Map(fs.map((f) => [f.id, f]));
    const alerts =
      fs.length === 0
        ? []
        : await store.alerts.listAlerts({ facilityIds: [...byId.keys()], ...range, limit: 1000 });
    return {
      type: 'table',
      refId: t.refId ?? '',
      columns: [
        { text: 'time', type: 'time' },
        { text: 'timeEnd', type: 'time' },
        { text: 'title', type: 'string' },
        { text: 'text', type: 'string' },
        { text: 'tags', type: 'string' },
        { text: 'facility', type: 'string' },
        { text: 'value', type: 'number' },
        { text: 'threshold', type: 'number' },
        { text: 'unit', type: 'string' },
      ],
      rows: alerts.map((a) => [
        a.ts,
        a.endTs ?? a.ts,
        `${a.severity}: ${a.rule}`,
        `${a.message} (value ${withUnit(a.value, a)}${a.threshold !== null ? `, threshold ${withUnit(a.threshold, a)}` : ''}, ${a.state})`,
        [a.severity, a.state, a.rule].join(','),
        byId.get(a.facilityId)?.name ?? a.facilityId,
        a.value,
        a.threshold,
        a.unit,
      ]),
    };
  };

  app.post(
    '/tag-keys',
    {
      schema: {
        tags: ['grafana'],
        summary: 'Keys of ad hoc filters: facility, zip, kind',
        response: { 200: tagKeys, ...errorResponses },
      },
    },
    async (request) => {
      requirePrincipal(request);
      return GRAFANA_TAG_KEYS.map((text) => ({ type: 'string', text }));
    },
  );

  app.post(
    '/tag-values',
    {
      schema: {
        tags: ['grafana'],
        summary: 'Values of an ad hoc filter key among the readable facilities',
        body: tagValuesBody,
        response: { 200: tagValues, ...errorResponses },
      },
    },
    async (request) => {
      const { key } = request.body;
      const values = new Set((await facilities(requirePrincipal(request))).map((f) => tagValue(f, key)));
      return [...values]
        .filter(Boolean)
        .sort()
        .map((text) => ({ text }));
    },
  );
}

/** A value of an alert in its channel's unit; a bare number for old alerts without one. */
function withUnit(v: number, a: Pick<Alert, 'unit'>): string {
  return a.unit ? formatQuantity(v, { unit: a.unit }) : String(v);
}
