import { createJobReadsAndUpdates, jobsDdl, jobValues, shardValues } from '../../jobs/rows.ts';
import type { JobRepo } from '../ports/jobs.ts';
import type { PgContext } from './connection.ts';

/** DDL for the jobs tables, run in order by `migrate()`. */
export const jobsSchema: readonly string[] = [
  ...jobsDdl({ text: 'TEXT', big: 'BIGINT' }),
  'ALTER TABLE job_logs ADD COLUMN IF NOT EXISTS id BIGSERIAL',
];

/** The postgres implementation of {@link JobRepo}. */
export function createJobRepo(ctx: PgContext): JobRepo {
  const rows = async (sql: string, values: unknown[] = []) =>
    (await ctx.pool.query(sql, values)).rows as Record<string, unknown>[];
  return {
    ...createJobReadsAndUpdates(rows, 'id'),
    async createJob(job, shards) {
      const client = await ctx.pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(
          `INSERT INTO jobs (id, org_id, kind, target, executor, params, state, shards, shards_done, shards_failed,
             external_id, created_by, created_at, started_at, ended_at, error)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)`,
          jobValues(job),
        );
        for (const s of shards) {
          await client.query('INSERT INTO job_shards VALUES ($1,$2,$3,$4,$5,$6,$7,$8)', shardValues(s));
        }
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      } finally {
        client.release();
      }
    },
    async appendLogs(lines) {
      if (lines.length === 0) return;
      const values: unknown[] = [];
      const tuples = lines.map((l, i) => {
        values.push(l.jobId, l.ts, l.shard, l.level, l.message);
        return `($${i * 5 + 1},$${i * 5 + 2},$${i * 5 + 3},$${i * 5 + 4},$${i * 5 + 5})`;
      });
      await ctx.pool.query(
        `INSERT INTO job_logs (job_id, ts, shard, level, message) VALUES ${tuples.join(',')}`,
        values,
      );
    },
  };
}
