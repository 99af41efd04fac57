/** Row mapping shared by the store adapters' score repositories. */
import type { Score } from '../store/ports/scores.ts';
import type { Evidence } from './types.ts';

/** A scores row as a {@link Score}. */
export function rowToScore(r: Record<string, unknown>): Score {
  return {
    facilityId: String(r['facility_id']),
    product: String(r['product']),
    version: String(r['version']),
    jobId: r['job_id'] === null || r['job_id'] === undefined ? null : String(r['job_id']),
    score: r['score'] === null || r['score'] === undefined ? null : Number(r['score']),
    label: String(r['label']),
    explanation: String(r['explanation']),
    evidence: JSON.parse(String(r['evidence'])) as Evidence,
    params: JSON.parse(String(r['params'])) as Record<string, unknown>,
    computedAt: Number(r['computed_at']),
  };
}

/** A SQL product's result row, checked. */
export function rowToSqlScore(r: Record<string, unknown>): {
  facilityId: string;
  score: number;
  label: string;
  explanation: string;
} {
  const score = Number(r['score']);
  if (r['facility_id'] === undefined || !Number.isFinite(score)) {
    throw new Error(
      'a SQL product must return the columns facility_id and a numeric score (plus label, explanation)',
    );
  }
  return {
    facilityId: String(r['facility_id']),
    score: Math.max(0, Math.min(100, score)),
    label: r['label'] === null || r['label'] === undefined ? '' : String(r['label']),
    explanation: r['explanation'] === null || r['explanation'] === undefined ? '' : String(r['explanation']),
  };
}

/** The SQL selecting the newest score per facility for a product. */
export const RANKING_SQL = (filter: string, limit: number) => `
  SELECT * FROM (
    SELECT s.*, ROW_NUMBER() OVER (PARTITION BY facility_id ORDER BY computed_at DESC, job_id DESC) AS rn
    FROM scores s WHERE product = $1 ${filter}
  ) t WHERE rn = 1 AND score IS NOT NULL ORDER BY score DESC, facility_id LIMIT ${Math.floor(limit)}`;

/** The SQL selecting the newest score per product for a facility. */
export const LATEST_SQL = `
  SELECT * FROM (
    SELECT s.*, ROW_NUMBER() OVER (PARTITION BY product ORDER BY computed_at DESC, job_id DESC) AS rn
    FROM scores s WHERE facility_id = $1
  ) t WHERE rn = 1 ORDER BY product`;
