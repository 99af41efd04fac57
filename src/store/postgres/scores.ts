import { LATEST_SQL, RANKING_SQL, rowToScore, rowToSqlScore } from '../../scoring/score-rows.ts';
import type { ScoreRepo } from '../ports/scores.ts';
import type { PgContext } from './connection.ts';

/** DDL for the scores tables, run in order by `migrate()`. */
export const scoresSchema: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS scores (facility_id TEXT NOT NULL, product TEXT NOT NULL, version TEXT NOT NULL,
    job_id TEXT, score DOUBLE PRECISION, label TEXT NOT NULL, explanation TEXT NOT NULL, evidence TEXT NOT NULL,
    params TEXT NOT NULL, computed_at BIGINT NOT NULL)`,
  // Null scores mean "not enough data"; databases from before that allowed none.
  `ALTER TABLE scores ALTER COLUMN score DROP NOT NULL`,
  'CREATE INDEX IF NOT EXISTS scores_product_facility ON scores (product, facility_id, computed_at)',
];

/** The postgres implementation of {@link ScoreRepo}. */
export function createScoreRepo(ctx: PgContext): ScoreRepo {
  const rows = async (sql: string, values: unknown[] = []) =>
    (await ctx.pool.query(sql, values)).rows as Record<string, unknown>[];
  return {
    async saveScores(scores) {
      if (scores.length === 0) return;
      const client = await ctx.pool.connect();
      try {
        await client.query('BEGIN');
        const jobIds = [...new Set(scores.map((s) => s.jobId).filter((j): j is string => j !== null))];
        if (jobIds.length) await client.query('DELETE FROM scores WHERE job_id = ANY($1)', [jobIds]);
        for (let i = 0; i < scores.length; i += 500) {
          const chunk = scores.slice(i, i + 500);
          const values: unknown[] = [];
          const tuples = chunk.map((s, j) => {
            values.push(
              s.facilityId,
              s.product,
              s.version,
              s.jobId,
              s.score,
              s.label,
              s.explanation,
              JSON.stringify(s.evidence),
              JSON.stringify(s.params),
              s.computedAt,
            );
            return `(${Array.from({ length: 10 }, (_, k) => `$${j * 10 + k + 1}`).join(',')})`;
          });
          await client.query(`INSERT INTO scores VALUES ${tuples.join(',')}`, values);
        }
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      } finally {
        client.release();
      }
    },
    async latestForFacility(facilityId) {
      return (await rows(LATEST_SQL, [facilityId])).map(rowToScore);
    },
    async ranking(product, opts = {}) {
      const ids = opts.facilityIds;
      const filter = ids ? 'AND facility_id = ANY($2)' : '';
      return (await rows(RANKING_SQL(filter, opts.limit ?? 1000), ids ? [product, ids] : [product])).map(
        rowToScore,
      );
    },
    async listForJob(jobId) {
      return (
        await rows('SELECT * FROM scores WHERE job_id = $1 ORDER BY score DESC NULLS LAST, facility_id', [
          jobId,
        ])
      ).map(rowToScore);
    },
    async runSqlProduct(sql, facilityIds) {
      const client = await ctx.pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('CREATE TEMP TABLE scope_facilities (id TEXT) ON COMMIT DROP');
        await client.query('INSERT INTO scope_facilities SELECT unnest($1::text[])', [facilityIds]);
        const result = (await client.query(sql)).rows as Record<string, unknown>[];
        await client.query('COMMIT');
        return result.map(rowToSqlScore);
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      } finally {
        client.release();
      }
    },
  };
}
