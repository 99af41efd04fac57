/**
 * The real-time layer's shapes as the API takes and answers them: latest values and windows
 * (`/api/v1/live/*`), the live push's query, what the HTTP ingest answers (`POST /api/v1/readings`)
 * and its quarantine and metrics (`/api/v1/ingest/*`). Each mirrors the type of the module that
 * makes it, checked at compile time.
 */
import { z } from 'zod';
import type { IngestOutcome } from '../../realtime/ingest.ts';
import type { QuarantineEntry as QuarantineRow } from '../../realtime/quarantine.ts';
import type { LatestValue as LatestRow, WindowAggregate } from '../../stream/windows.ts';
import { type Assert, type Same, commaList, errorBody, id, limit, time } from './common.ts';

/** The newest value of one channel. */
export const latestValue = z.object({ channelId: z.string(), ts: z.number(), value: z.number() });
/** Latest value of one channel (`GET /live/latest`). */
export type LatestValue = z.infer<typeof latestValue>;
/** `LatestValue` is the stream layer's. */
export type LatestChecked = Assert<Same<LatestValue, LatestRow>>;

/** Query of `GET /live/latest`. */
export const latestQuery = z.object({
  facilityId: z.string().max(2000).optional().describe('facility id'),
});

/** Query of the live push (`GET /live`, `GET /live/ws`). */
export const liveQuery = z.object({
  facilityId: commaList(2000, 'facility ids, comma-separated').optional(),
});

/** A tumbling window of one channel. */
export const windowAggregate = z.object({
  channelId: z.string(),
  widthMs: z.number(),
  start: z.number(),
  count: z.number(),
  sum: z.number(),
  min: z.number(),
  max: z.number(),
  final: z.boolean(),
});
/** `windowAggregate` is the stream layer's. */
export type WindowChecked = Assert<Same<z.infer<typeof windowAggregate>, WindowAggregate>>;

/** Query of `GET /live/windows`. */
export const windowsQuery = z.object({
  channelId: id,
  width: z.string().max(20).default('1m').describe('window width: 1m or 15m'),
  from: time('windows starting at or after this time; default `to` minus 1 hour').optional(),
  to: time('windows starting before this time; default 1 minute from now').optional(),
});

/** A reading the ingest refused, with why. */
export const itemError = z.object({
  index: z.number().optional(),
  field: z.string().optional(),
  reason: z.string(),
});
/** What the HTTP ingest answers: how many readings it took and each one it refused. */
export const ingestOutcome = z.object({ accepted: z.number(), rejected: z.array(itemError) });
/** `ingestOutcome` is the ingest's. */
export type OutcomeChecked = Assert<Same<z.infer<typeof ingestOutcome>, IngestOutcome>>;
/** The ingest's answer when it took none: an error body with the outcome (absent for a bad request as a whole). */
export const ingestRefused = errorBody.extend(ingestOutcome.partial().shape);

/** A rejected message or item kept in the quarantine. */
export const quarantineEntry = z.object({
  at: z.number(),
  source: z.enum(['mqtt', 'http']),
  device: z.string(),
  orgId: z.string().nullable(),
  topic: z.string().nullable(),
  reason: z.string(),
  sample: z.string(),
});
/** `quarantineEntry` is the quarantine's. */
export type QuarantineChecked = Assert<Same<z.infer<typeof quarantineEntry>, QuarantineRow>>;

/** Query of `GET /ingest/quarantine`. */
export const quarantineQuery = z.object({ limit: limit(1000, 100) });

/** `GET /ingest/metrics`: ingest and processing counters. */
export const ingestMetrics = z.object({
  ingest: z.object({ messages: z.number(), accepted: z.number(), rejected: z.number() }),
  quarantine: z.object({ total: z.number(), byReason: z.record(z.string(), z.number()) }),
  processing: z.record(z.string(), z.unknown()),
  liveSubscribers: z.number(),
});
