/**
 * Analytic products, score jobs and scores with their evidence (routes of src/jobs/routes.ts):
 * GET /products, GET /products/:product/ranking, GET /facilities/:id/scores, POST /jobs, GET /jobs,
 * GET /jobs/:id, POST /jobs/:id/cancel.
 */
import type { Http } from './http.ts';

const V1 = '/api/v1';
const enc = encodeURIComponent;

/** An analytic product. */
export interface ProductInfo {
  name: string;
  version: string;
  title: string;
  description: string;
  type: 'code' | 'sql';
}

/** A chartable series of a score's evidence. */
export interface EvidenceSeries {
  name: string;
  unit: string;
  kind: 'line' | 'bar';
  x: number[];
  y: number[];
}

/** A stored score with its explanation and evidence. */
export interface ScoreDetail {
  facilityId: string;
  product: string;
  version: string;
  jobId: string | null;
  /** 0..100; null when the facility had not enough data (label `not enough data`). */
  score: number | null;
  label: string;
  explanation: string;
  evidence: { figures: Record<string, number | string>; series: EvidenceSeries[] };
  computedAt: number;
  facilityName?: string;
  kind?: string;
  zip?: string | null;
}

/** A score in a ranking: facilities without enough data are left out, so every one has a number. */
export type RankedScore = ScoreDetail & { score: number };

/** Job states. */
export type JobStateName = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** A job as the API returns it. */
export interface JobInfo {
  id: string;
  kind: 'score' | 'nilm';
  target: string;
  executor: 'local' | 'slurm';
  state: JobStateName;
  shards: number;
  shardsDone: number;
  shardsFailed: number;
  externalId: string | null;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  error: string | null;
}

/** A job with its shards and log. */
export interface JobDetail {
  job: JobInfo;
  shards: { index: number; state: JobStateName; attempts: number; label: string; error: string | null }[];
  logs: { ts: number; shard: number | null; level: 'info' | 'warn' | 'error'; message: string }[];
}

/** What starts a score job. */
export interface StartJob {
  product: string;
  executor?: 'local' | 'slurm';
  shards?: number;
  facilityIds?: string[];
}

/** The jobs and scores client. */
export function jobsApi(http: Http) {
  return {
    products: () => http.get<ProductInfo[]>(`${V1}/products`),
    ranking: (product: string, limit = 500) =>
      http.get<RankedScore[]>(`${V1}/products/${enc(product)}/ranking`, { limit }),
    facilityScores: (facilityId: string) =>
      http.get<ScoreDetail[]>(`${V1}/facilities/${enc(facilityId)}/scores`),
    start: (body: StartJob) => http.post<{ jobId: string }>(`${V1}/jobs`, body),
    jobs: () => http.get<JobInfo[]>(`${V1}/jobs`),
    job: (id: string) => http.get<JobDetail>(`${V1}/jobs/${enc(id)}`),
    cancel: (id: string) => http.post<JobInfo>(`${V1}/jobs/${enc(id)}/cancel`),
  };
}
