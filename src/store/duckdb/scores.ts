import type { DuckDBValue } from '@duckdb/node-api';
import { LATEST_SQL, RANKING_SQL, rowToScore, rowToSqlScore } from '../../scoring/score-rows.ts';
import type { ScoreRepo } from '../ports/scores.ts';
import { type DuckdbContext, queryRows } from './connection.ts';
import { inTransaction } from './transaction.ts';

/** DDL for the scores tables, run in order by `migrate()`. */
export const scoresSchema: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS scores (facility_id VARCHAR NOT NULL, product VARCHAR NOT NULL, version VARCHAR NOT NULL,
    job_id VARCHAR, score DOUBLE, label VARCHAR NOT NULL, explanation VARCHAR NOT NULL, evidence VARCHAR NOT NULL,
    params VARCHAR NOT NULL, computed_at BIGINT NOT NULL)`,
  // Null scores mean "not enough data"; databases from before that allowed none.
  `ALTER TABLE scores ALTER COLUMN score DROP NOT NULL`,
];

/** The duckdb implementation of {@link ScoreRepo}. */
export function createScoreRepo(ctx: DuckdbContext): ScoreRepo {
  // Only the reads below use it; saving scores runs in a transaction of its own.
  const rows = (sql: string, values: DuckDBValue[] = []) => queryRows(ctx.reads, sql, values);
  return {
    async saveScores(scores) {
      if (scores.length === 0) return;
      await inTransaction(ctx, async (conn) => {
        const jobIds = [...new Set(scores.map((s) => s.jobId).filter((j): j is string => j !== null))];
        for (const j of jobIds) await conn.run('DELETE FROM scores WHERE job_id = $1', [j]);
        const appender = await conn.createAppender('scores');
        for (const s of scores) {
          appender.appendVarchar(s.facilityId);
          appender.appendVarchar(s.product);
          appender.appendVarchar(s.version);
          if (s.jobId === null) appender.appendNull();
          else appender.appendVarchar(s.jobId);
          if (s.score === null) appender.appendNull();
          else appender.appendDouble(s.score);
          appender.appendVarchar(s.label);
          appender.appendVarchar(s.explanation);
          appender.appendVarchar(JSON.stringify(s.evidence));
          appender.appendVarchar(JSON.stringify(s.params));
          appender.appendBigInt(BigInt(s.computedAt));
          appender.endRow();
        }
        appender.closeSync();
      });
    },
    async latestForFacility(facilityId) {
      return (await rows(LATEST_SQL, [facilityId])).map(rowToScore);
    },
    async ranking(product, opts = {}) {
      const ids = opts.facilityIds;
      const filter = ids ? `AND facility_id IN (SELECT unnest(from_json($2::VARCHAR, '["VARCHAR"]')))` : '';
      const values: DuckDBValue[] = [product];
      if (ids) values.push(listValue(ids));
      return (await rows(RANKING_SQL(filter, opts.limit ?? 1000), values)).map(rowToScore);
    },
    async listForJob(jobId) {
      return (
        await rows('SELECT * FROM scores WHERE job_id = $1 ORDER BY score DESC NULLS LAST, facility_id', [
          jobId,
        ])
      ).map(rowToScore);
    },
    async runSqlProduct(sql, facilityIds) {
      // Its own connection: the temp table is per connection, so concurrent runs cannot see each other's scope.
      return inTransaction(ctx, async (conn) => {
        await conn.run('CREATE TEMP TABLE scope_facilities (id VARCHAR)');
        await conn.run(`INSERT INTO scope_facilities SELECT unnest(from_json($1::VARCHAR, '["VARCHAR"]'))`, [
          listValue(facilityIds),
        ]);
        const result = (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
        return result.map(rowToSqlScore);
      });
    },
  };
}

/** Ids travel as one JSON text parameter, parsed by from_json in SQL, which keeps quoting safe. */
function listValue(ids: string[]): DuckDBValue {
  return JSON.stringify(ids);
}
