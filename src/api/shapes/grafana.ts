/**
 * Grafana's JSON data source as the API takes and answers it (`/api/grafana/*`, the protocol of
 * simpod-json-datasource 0.6.x): what the plugin posts for the query builder, variables, queries and
 * ad hoc filters, and what it reads back. Payloads are free-form objects the plugin fills from
 * dashboard variables; src/api/routes/grafana-targets.ts decodes them.
 */
import { z } from 'zod';
import { time } from './common.ts';

/** The metrics offered in the plugin's builder mode (`/metrics`). */
export const GRAFANA_METRICS = ['channel', 'alerts'] as const;

/** Keys offered for ad hoc filters (`/tag-keys`), each a facility attribute. */
export const GRAFANA_TAG_KEYS = ['facility', 'zip', 'kind'] as const;
/** One key of {@link GRAFANA_TAG_KEYS}. */
export type GrafanaTagKey = (typeof GRAFANA_TAG_KEYS)[number];

/** A builder payload or a variable query: free-form fields. */
const payload = z.record(z.string(), z.unknown());

/** Body of `POST /metrics` (0.6.x sends `{}` on first load). */
export const metricsBody = z
  .object({ metric: z.string().optional(), payload: payload.optional() })
  .nullable();

/** A metric of the query builder with its payload fields. */
export const metric = z.object({
  label: z.string(),
  value: z.string(),
  payloads: z.array(
    z.object({
      label: z.string(),
      name: z.string(),
      type: z.string(),
      placeholder: z.string(),
      reloadMetric: z.boolean().optional(),
    }),
  ),
});

/** Body of `POST /metric-payload-options`: the options of one builder field. */
export const payloadOptionsBody = z.object({
  metric: z.enum(GRAFANA_METRICS),
  payload: payload.optional(),
  name: z.string(),
});

/** Options of a builder field. */
export const optionList = z.array(z.object({ label: z.string(), value: z.string() }));

/** Body of `POST /variable`. */
export const variableBody = z.object({
  payload: payload.optional(),
  range: z.looseObject({}).optional(),
});

/** Values of a query variable. */
export const variableValues = z.array(z.object({ __text: z.string(), __value: z.string() }));

/** A time of the dashboard's range (the plugin sends ISO 8601; UTC milliseconds are taken too). */
const instant = (what: string) => z.union([time(what), z.number()]);

/** One ad hoc filter as the plugin forwards it in `/query`. */
export const adhocFilter = z.object({ key: z.string(), operator: z.string(), value: z.string() });
/** An ad hoc filter. */
export type AdhocFilter = z.infer<typeof adhocFilter>;

/** One query of a panel. */
export const queryTarget = z.object({
  target: z.string().max(2000).optional(),
  refId: z.string().optional(),
  hide: z.boolean().optional(),
  payload: payload.optional(),
});
/** A panel's query. */
export type QueryTarget = z.infer<typeof queryTarget>;

/** Body of `POST /query`. */
export const queryBody = z.object({
  range: z.object({ from: instant('start'), to: instant('end') }),
  targets: z.array(queryTarget).max(20),
  maxDataPoints: z.coerce.number().int().min(1).max(100_000).optional(),
  adhocFilters: z.array(adhocFilter).max(20).optional(),
});

/** A channel's series: `[value, time]` pairs. */
const timeSeries = z.object({
  target: z.string(),
  refId: z.string(),
  datapoints: z.array(z.array(z.number())),
});
/** Alerts as a table, which Grafana also reads as annotations. */
export const alertTable = z.object({
  type: z.literal('table'),
  refId: z.string(),
  columns: z.array(z.object({ text: z.string(), type: z.string() })),
  rows: z.array(z.array(z.union([z.string(), z.number(), z.null()]))),
});
/** An alerts table. */
export type AlertTable = z.infer<typeof alertTable>;

/** What `POST /query` answers: a series per channel, a table per alerts target. */
export const queryAnswer = z.array(z.union([timeSeries, alertTable]));
/** The answer of a query. */
export type QueryAnswer = z.infer<typeof queryAnswer>;

/** Keys of ad hoc filters. */
export const tagKeys = z.array(z.object({ type: z.string(), text: z.string() }));

/** Body of `POST /tag-values`. */
export const tagValuesBody = z.object({ key: z.enum(GRAFANA_TAG_KEYS) });

/** Values of an ad hoc filter key. */
export const tagValues = z.array(z.object({ text: z.string() }));
