/**
 * Endpoints of Grafana's JSON data source (simpod-json-datasource, and the older simple-json
 * protocol): `/` answers the connection test, `/search` lists the channels the token may read,
 * `/query` returns their series downsampled to Grafana's `maxDataPoints`, and `/annotations` returns
 * alerts. Grafana authenticates with an API token (`Authorization: Bearer ...` as a custom header).
 */
import type { FastifyInstance } from 'fastify';
import { InputError } from '../../errors.ts';
import { requirePrincipal } from '../principal.ts';
import { readSeries } from './explore.ts';
import { errorResponses } from './schemas.ts';

const rangeSchema = {
  type: 'object',
  properties: {
    from: { type: 'string', minLength: 1, maxLength: 40 },
    to: { type: 'string', minLength: 1, maxLength: 40 },
  },
  required: ['from', 'to'],
} as const;

interface GrafanaRange {
  from: string;
  to: string;
}

function parseRange(r: GrafanaRange): { from: number; to: number } {
  const from = Date.parse(r.from);
  const to = Date.parse(r.to);
  if (!Number.isFinite(from))
    throw new InputError(`expected an ISO-8601 time, got '${r.from}'`, { field: 'range.from' });
  if (!Number.isFinite(to))
    throw new InputError(`expected an ISO-8601 time, got '${r.to}'`, { field: 'range.to' });
  if (to <= from) throw new InputError("'to' must be after 'from'", { field: 'range.to' });
  return { from, to };
}

/** Registers the Grafana data-source routes under /api/grafana. */
export async function grafanaRoutes(app: FastifyInstance): Promise<void> {
  const { store } = app.deps;

  /** Readable channels with a label "facility / channel". */
  const readableChannels = async (request: {
    principal: Parameters<typeof requirePrincipal>[0]['principal'];
  }) => {
    const p = requirePrincipal(request);
    const out: { id: string; label: string; unit: string; facilityId: string }[] = [];
    for (const { facility } of await app.access.readableFacilities(p)) {
      for (const c of await store.catalog.listChannels({ facilityId: facility.id })) {
        out.push({
          id: c.id,
          label: `${facility.name} / ${c.appliance ?? c.name}`,
          unit: c.unit,
          facilityId: facility.id,
        });
      }
    }
    return out;
  };

  app.get(
    '/',
    {
      schema: {
        tags: ['grafana'],
        summary: 'Connection test',
        response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } }, ...errorResponses },
      },
    },
    async (request) => {
      requirePrincipal(request);
      return { ok: true };
    },
  );

  app.post<{ Body: { target?: string } }>(
    '/search',
    {
      schema: {
        tags: ['grafana'],
        summary:
          'Channels I may read, as { text, value } (value = channel id); `target` filters by substring',
        body: { type: 'object', properties: { target: { type: 'string', maxLength: 200 } } },
        response: {
          200: {
            type: 'array',
            items: { type: 'object', properties: { text: { type: 'string' }, value: { type: 'string' } } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const needle = (request.body?.target ?? '').toLowerCase();
      return (await readableChannels(request))
        .filter(
          (c) => !needle || c.label.toLowerCase().includes(needle) || c.id.toLowerCase().includes(needle),
        )
        .map((c) => ({ text: c.label, value: c.id }));
    },
  );

  app.post<{
    Body: {
      range: GrafanaRange;
      targets: { target?: string; refId?: string; hide?: boolean }[];
      maxDataPoints?: number;
    };
  }>(
    '/query',
    {
      schema: {
        tags: ['grafana'],
        summary:
          'Time series of channels (targets are channel ids) as [value, ts] pairs, bucket means when downsampled',
        body: {
          type: 'object',
          properties: {
            range: rangeSchema,
            targets: {
              type: 'array',
              maxItems: 20,
              items: {
                type: 'object',
                properties: {
                  target: { type: 'string', maxLength: 200 },
                  refId: { type: 'string' },
                  hide: { type: 'boolean' },
                },
              },
            },
            maxDataPoints: { type: 'integer', minimum: 1, maximum: 100_000 },
          },
          required: ['range', 'targets'],
        },
        response: {
          200: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                target: { type: 'string' },
                refId: { type: 'string' },
                datapoints: { type: 'array', items: { type: 'array', items: { type: 'number' } } },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      const { from, to } = parseRange(request.body.range);
      const width = Math.min(10_000, Math.max(10, request.body.maxDataPoints ?? 1000));
      const out = [];
      for (const t of request.body.targets) {
        if (t.hide || !t.target) continue;
        const facility = await app.access.channelFacilityOrThrow(p, t.target);
        const ch = await store.catalog.getChannel(t.target);
        const s = await readSeries(store.readings, t.target, {
          from,
          to,
          agg: 'auto',
          width,
          intervalMs: ch?.intervalMs,
        });
        const values = s.raw ? s.value : s.mean;
        const datapoints = s.ts.map((ts, i) => [values[i]!, ts]);
        out.push({
          target: `${facility.name} / ${ch?.appliance ?? ch?.name ?? t.target}`,
          refId: t.refId ?? '',
          datapoints,
        });
      }
      return out;
    },
  );

  app.post<{ Body: { range: GrafanaRange; annotation?: { name?: string; query?: string } } }>(
    '/annotations',
    {
      schema: {
        tags: ['grafana'],
        summary: 'Alerts as annotations; `annotation.query` may name a facility or channel id to narrow them',
        body: {
          type: 'object',
          properties: {
            range: rangeSchema,
            annotation: {
              type: 'object',
              properties: { name: { type: 'string' }, query: { type: 'string', maxLength: 200 } },
            },
          },
          required: ['range'],
        },
        response: {
          200: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                annotation: { type: 'object', additionalProperties: true },
                time: { type: 'number' },
                timeEnd: { type: 'number' },
                isRegion: { type: 'boolean' },
                title: { type: 'string' },
                text: { type: 'string' },
                tags: { type: 'array', items: { type: 'string' } },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      const { from, to } = parseRange(request.body.range);
      const query = request.body.annotation?.query?.trim() ?? '';
      let facilityIds = (await app.access.readableFacilities(p)).map((r) => r.facility.id);
      let channelId: string | undefined;
      if (query) {
        if (facilityIds.includes(query)) facilityIds = [query];
        else {
          facilityIds = [(await app.access.channelFacilityOrThrow(p, query)).id];
          channelId = query;
        }
      }
      if (facilityIds.length === 0) return [];
      const alerts = await store.alerts.listAlerts({
        facilityIds,
        ...(channelId ? { channelId } : {}),
        from,
        to,
        limit: 1000,
      });
      return alerts.map((a) => ({
        annotation: request.body.annotation ?? {},
        time: a.ts,
        ...(a.endTs !== null ? { timeEnd: a.endTs, isRegion: true } : {}),
        title: `${a.severity}: ${a.rule}`,
        text: `${a.message} (value ${a.value}${a.threshold !== null ? `, threshold ${a.threshold}` : ''}, ${a.state})`,
        tags: [a.severity, a.state, a.rule],
      }));
    },
  );
}
