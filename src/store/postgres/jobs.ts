import {
  JOB_PATCH_COLUMNS,
  SHARD_PATCH_COLUMNS,
  jobsDdl,
  patchPairs,
  rowToJob,
  rowToLog,
  rowToShard,
  jobValues,
  shardValues,
} from '../../jobs/rows.ts';
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
  const update = async (table: string, pairs: [string, unknown][], where: string, keys: unknown[]) => {
    if (pairs.length === 0) return;
    const set = pairs.map(([c], i) => `${c} = $${i + 1}`).join(', ');
    const whereSql = where.replace(/\$k(\d)/g, (_, d: string) => `$${pairs.length + Number(d)}`);
    await ctx.pool.query(`UPDATE ${table} SET ${set} WHERE ${whereSql}`, [
      ...pairs.map(([, v]) => v),
      ...keys,
    ]);
  };
  return {
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
    async getJob(id) {
      const [r] = await rows('SELECT * FROM jobs WHERE id = $1', [id]);
      return r ? rowToJob(r) : undefined;
    },
    async listJobs(filter) {
      const where = filter.orgId === undefined ? '' : 'WHERE org_id = $1';
      const values = filter.orgId === undefined ? [] : [filter.orgId];
      return (
        await rows(
          `SELECT * FROM jobs ${where} ORDER BY created_at DESC, id LIMIT ${Math.floor(filter.limit ?? 100)}`,
          values,
        )
      ).map(rowToJob);
    },
    updateJob: (id, patch) => update('jobs', patchPairs(patch, JOB_PATCH_COLUMNS), 'id = $k1', [id]),
    updateShard: (jobId, index, patch) =>
      update('job_shards', patchPairs(patch, SHARD_PATCH_COLUMNS), 'job_id = $k1 AND idx = $k2', [
        jobId,
        index,
      ]),
    async listShards(jobId) {
      return (await rows('SELECT * FROM job_shards WHERE job_id = $1 ORDER BY idx', [jobId])).map(rowToShard);
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
    async listLogs(jobId, opts = {}) {
      const r = await rows(
        `SELECT * FROM job_logs WHERE job_id = $1 AND ts > $2 ORDER BY ts, id LIMIT ${Math.floor(opts.limit ?? 1000)}`,
        [jobId, opts.after ?? -1],
      );
      return r.map(rowToLog);
    },
  };
}
