/** The scores repository (analytic product results), written once for every adapter. */
import type { Evidence, Score, ScoreRepo } from '../ports/scores.ts';
import type { SqlDialect } from './dialect.ts';
import { json, num, numOrNull, type Row, str, strOrNull } from './row.ts';
import type { BulkColumn, SqlDb } from './sql-db.ts';

/** DDL of the scores table. */
export function scoresDdl(d: SqlDialect): string[] {
  const { text } = d;
  return [
    `CREATE TABLE IF NOT EXISTS scores (facility_id ${text} NOT NULL, product ${text} NOT NULL, version ${text} NOT NULL,
      job_id ${text}, score ${d.double}, label ${text} NOT NULL, explanation ${text} NOT NULL, evidence ${text} NOT NULL,
      params ${text} NOT NULL, computed_at BIGINT NOT NULL)`,
    // Null scores mean "not enough data"; databases from before that allowed none.
    `ALTER TABLE scores ALTER COLUMN score DROP NOT NULL`,
    // DuckDB's column store scans the table faster than it would keep an index up to date.
    ...(d.name === 'postgres'
      ? ['CREATE INDEX IF NOT EXISTS scores_product_facility ON scores (product, facility_id, computed_at)']
      : []),
  ];
}

const SCORE_COLUMNS: readonly BulkColumn[] = [
  { name: 'facility_id', type: 'text' },
  { name: 'product', type: 'text' },
  { name: 'version', type: 'text' },
  { name: 'job_id', type: 'text' },
  { name: 'score', type: 'double' },
  { name: 'label', type: 'text' },
  { name: 'explanation', type: 'text' },
  { name: 'evidence', type: 'text' },
  { name: 'params', type: 'text' },
  { name: 'computed_at', type: 'bigint' },
];

function scoreValues(s: Score): unknown[] {
  const text = [s.label, s.explanation, JSON.stringify(s.evidence), JSON.stringify(s.params)];
  return [s.facilityId, s.product, s.version, s.jobId, s.score, ...text, s.computedAt];
}

function rowToScore(r: Row): Score {
  return {
    facilityId: str(r, 'facility_id'),
    product: str(r, 'product'),
    version: str(r, 'version'),
    jobId: strOrNull(r, 'job_id'),
    score: numOrNull(r, 'score'),
    label: str(r, 'label'),
    explanation: str(r, 'explanation'),
    evidence: json<Evidence>(r, 'evidence'),
    params: json<Record<string, unknown>>(r, 'params'),
    computedAt: num(r, 'computed_at'),
  };
}

/** A SQL product's result row, checked. */
function rowToSqlScore(r: Row): { facilityId: string; score: number; label: string; explanation: string } {
  const score = Number(r['score']);
  if (r['facility_id'] === undefined || !Number.isFinite(score)) {
    throw new Error(
      'a SQL product must return the columns facility_id and a numeric score (plus label, explanation)',
    );
  }
  return {
    facilityId: str(r, 'facility_id'),
    score: Math.max(0, Math.min(100, score)),
    label: strOrNull(r, 'label') ?? '',
    explanation: strOrNull(r, 'explanation') ?? '',
  };
}

/** The newest score per facility for a product. */
const RANKING_SQL = (filter: string, limit: number) => `
  SELECT * FROM (
    SELECT s.*, ROW_NUMBER() OVER (PARTITION BY facility_id ORDER BY computed_at DESC, job_id DESC) AS rn
    FROM scores s WHERE product = $1 ${filter}
  ) t WHERE rn = 1 AND score IS NOT NULL ORDER BY score DESC, facility_id LIMIT ${Math.floor(limit)}`;

/** The newest score per product for a facility. */
const LATEST_SQL = `
  SELECT * FROM (
    SELECT s.*, ROW_NUMBER() OVER (PARTITION BY product ORDER BY computed_at DESC, job_id DESC) AS rn
    FROM scores s WHERE facility_id = $1
  ) t WHERE rn = 1 ORDER BY product`;

/** The {@link ScoreRepo} over a database. */
export function createScoreRepo(db: SqlDb): ScoreRepo {
  const d = db.dialect;
  return {
    async saveScores(scores) {
      if (scores.length === 0) return;
      await db.transaction(async (tx) => {
        const jobIds = [...new Set(scores.map((s) => s.jobId).filter((j): j is string => j !== null))];
        if (jobIds.length)
          await tx.query(`DELETE FROM scores WHERE ${d.inTextList('job_id', '$1')}`, [d.textList(jobIds)]);
        await tx.append('scores', SCORE_COLUMNS, scores.map(scoreValues));
      });
    },
    async latestForFacility(facilityId) {
      return (await db.query(LATEST_SQL, [facilityId])).map(rowToScore);
    },
    async ranking(product, opts = {}) {
      const ids = opts.facilityIds;
      const filter = ids ? `AND ${d.inTextList('facility_id', '$2')}` : '';
      const values = ids ? [product, d.textList(ids)] : [product];
      return (await db.query(RANKING_SQL(filter, opts.limit ?? 1000), values)).map(rowToScore);
    },
    async listForJob(jobId) {
      const sql = 'SELECT * FROM scores WHERE job_id = $1 ORDER BY score DESC NULLS LAST, facility_id';
      return (await db.query(sql, [jobId])).map(rowToScore);
    },
    async runSqlProduct(sql, facilityIds) {
      // A transaction of its own: the temp table is per connection (DuckDB) or per transaction
      // (PostgreSQL), so concurrent runs cannot see each other's scope.
      return db.transaction(async (tx) => {
        await tx.query(d.tempTable('scope_facilities', `id ${d.text}`));
        await tx.query(`INSERT INTO scope_facilities SELECT ${d.unnestTextList('$1')}`, [
          d.textList(facilityIds),
        ]);
        return (await tx.query(sql)).map(rowToSqlScore);
      });
    },
  };
}
