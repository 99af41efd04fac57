/**
 * Analytic products, score jobs and scores as the API takes and answers them (`/api/v1/products`,
 * `/api/v1/jobs`, `/api/v1/facilities/:facilityId/scores`, `/api/v1/products/:product/ranking`).
 * A job, its shards, log lines and a score mirror the store's records, checked at compile time.
 */
import { z } from 'zod';
import { FACILITY_KINDS } from '../../domain/types.ts';
import {
  EXECUTOR_KINDS,
  JOB_KINDS,
  JOB_LOG_LEVELS,
  JOB_STATES,
  type Job as StoredJob,
  type JobLogLine as StoredLogLine,
  type Shard as StoredShard,
} from '../../store/ports/jobs.ts';
import type { Score as StoredScore } from '../../store/ports/scores.ts';
import { type Assert, type Same, id, limit, time } from './common.ts';

/** An analytic product (`GET /products`). */
export const product = z.object({
  name: z.string(),
  version: z.string(),
  title: z.string(),
  description: z.string(),
  type: z.enum(['code', 'sql']).describe('code runs in shards, sql in the store'),
});
/** An analytic product. */
export type Product = z.infer<typeof product>;

/** Path of one product. */
export const productParams = z.object({ product: id });
/** Query of `GET /products/:product/ranking`. */
export const rankingQuery = z.object({ limit: limit(10_000, 100) });

/** A job's or shard's state. */
export const jobState = z.enum(JOB_STATES);

/** A job as stored. */
export const job = z.object({
  id: z.string(),
  orgId: z.string(),
  kind: z.enum(JOB_KINDS),
  target: z.string().describe('product name of a score job, method of a NILM job'),
  executor: z.enum(EXECUTOR_KINDS),
  params: z.record(z.string(), z.unknown()).describe('what the job was started with'),
  state: jobState,
  shards: z.number(),
  shardsDone: z.number(),
  shardsFailed: z.number(),
  externalId: z.string().nullable().describe("the executor's own id (a Slurm job id)"),
  createdBy: z.string().nullable(),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  error: z.string().nullable(),
});
/** A job. */
export type Job = z.infer<typeof job>;
/** `Job` is the store's. */
export type JobChecked = Assert<Same<Job, StoredJob>>;

/** One shard of a job. */
export const shard = z.object({
  jobId: z.string(),
  index: z.number(),
  state: jobState,
  attempts: z.number(),
  label: z.string().describe('what the shard covers, e.g. `12 facilities`'),
  error: z.string().nullable(),
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
});
/** `shard` is the store's. */
export type ShardChecked = Assert<Same<z.infer<typeof shard>, StoredShard>>;

/** One log line of a job. */
export const jobLogLine = z.object({
  jobId: z.string(),
  ts: z.number(),
  shard: z.number().nullable(),
  level: z.enum(JOB_LOG_LEVELS),
  message: z.string(),
});
/** `jobLogLine` is the store's. */
export type LogLineChecked = Assert<Same<z.infer<typeof jobLogLine>, StoredLogLine>>;

/** `GET /jobs/:jobId`: a job with its shards and its newest log lines. */
export const jobDetail = z.object({ job, shards: shard.array(), logs: jobLogLine.array() });
/** A job with its shards and log. */
export type JobDetail = z.infer<typeof jobDetail>;

/** Path of one job. */
export const jobParams = z.object({ jobId: id });

/** A time in a JSON body: the query's text, or UTC milliseconds as a JSON number. */
function bodyTime(what: string) {
  const text = time(what);
  return z.union([text, z.number()]).describe(text.description ?? what);
}

/** Body of `POST /jobs`: a score job over the caller's facilities (all of them when none are named). */
export const startJob = z.object({
  product: id.describe('an analytic product (GET /products)'),
  facilityIds: z.array(z.string()).max(100_000).optional().describe('default: every facility of mine'),
  executor: z.enum(EXECUTOR_KINDS).optional(),
  shards: z.coerce.number().int().min(1).max(1000).optional().describe('default 4'),
  params: z.record(z.string(), z.unknown()).optional().describe("the product's parameters"),
  from: bodyTime('start of the scored data').optional(),
  to: bodyTime('end of the scored data, exclusive').optional(),
});
/** What starts a score job (as read: `shards` also comes as a numeric string). */
export type StartJob = z.output<typeof startJob>;
/** `POST /jobs`: the job started. */
export const startedJob = z.object({ jobId: z.string() });

/** Evidence a product gives for its score: figures and series to chart. */
export const evidence = z.object({
  // null: a value the product could not compute (NaN or Infinity; JSON has neither).
  figures: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
  series: z
    .object({
      name: z.string(),
      unit: z.string(),
      x: z.number().array(),
      y: z.number().nullable().array(),
      kind: z.enum(['line', 'bar']),
    })
    .array(),
});
/** A chartable series of a score's evidence. */
export type EvidenceSeries = z.infer<typeof evidence>['series'][number];

/** A stored score of one facility by one product, with its explanation and evidence. */
export const score = z.object({
  facilityId: z.string(),
  product: z.string(),
  version: z.string(),
  jobId: z.string().nullable(),
  score: z
    .number()
    .nullable()
    .describe('0 to 100; null when the facility had not enough data (label `not enough data`)'),
  label: z.string(),
  explanation: z.string(),
  evidence,
  params: z.record(z.string(), z.unknown()),
  computedAt: z.number(),
});
/** A score. */
export type Score = z.infer<typeof score>;
/** `Score` is the store's. */
export type ScoreChecked = Assert<Same<Score, StoredScore>>;

/** A score in a ranking, with the facility's name, kind and zip code. */
export const rankedScore = score.extend({
  facilityName: z.string(),
  kind: z.enum(FACILITY_KINDS).optional(),
  zip: z.string().nullable().optional(),
});
/** A ranked score: facilities without enough data are left out, so every one has a number. */
export type RankedScore = z.infer<typeof rankedScore> & { score: number };
