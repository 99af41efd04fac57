/**
 * Analytic products, score jobs and scores with their evidence (routes of src/jobs/routes.ts):
 * GET /products, GET /products/:product/ranking, GET /facilities/:id/scores, POST /jobs, GET /jobs,
 * GET /jobs/:id, POST /jobs/:id/cancel.
 */
import type {
  EvidenceSeries,
  Job,
  JobDetail,
  Product as ProductInfo,
  RankedScore,
  Score as ScoreDetail,
  StartJob,
} from '../../../src/api/shapes/jobs.ts';
import type { Http } from './http.ts';

const V1 = '/api/v1';
const enc = encodeURIComponent;

export type { EvidenceSeries, JobDetail, ProductInfo, RankedScore, ScoreDetail, StartJob };
/** A job as the API returns it. */
export type JobInfo = Job;

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
