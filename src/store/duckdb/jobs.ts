import type { DuckDBValue } from '@duckdb/node-api';
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
import type { DuckdbContext } from './connection.ts';
import { inTransaction } from './transaction.ts';

/** DDL for the jobs tables, run in order by `migrate()`. */
export const jobsSchema: readonly string[] = jobsDdl({ text: 'VARCHAR', big: 'BIGINT' });

/** The duckdb implementation of {@link JobRepo}. */
export function createJobRepo(ctx: DuckdbContext): JobRepo {
  const rows = async (sql: string, values: DuckDBValue[] = []) =>
    (await ctx.conn.runAndReadAll(sql, values)).getRowObjectsJS() as Record<string, unknown>[];
  const update = async (table: string, pairs: [string, unknown][], where: string, keys: DuckDBValue[]) => {
    if (pairs.length === 0) return;
    const set = pairs.map(([c], i) => `${c} = $${i + 1}`).join(', ');
    const whereSql = where.replace(/\$k(\d)/g, (_, d: string) => `$${pairs.length + Number(d)}`);
    await ctx.conn.run(`UPDATE ${table} SET ${set} WHERE ${whereSql}`, [
      ...(pairs.map(([, v]) => v) as DuckDBValue[]),
      ...keys,
    ]);
  };
  return {
    async createJob(job, shards) {
      await inTransaction(ctx, async (conn) => {
        await conn.run(
          'INSERT INTO jobs VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)',
          jobValues(job),
        );
        for (const s of shards) {
          await conn.run('INSERT INTO job_shards VALUES ($1,$2,$3,$4,$5,$6,$7,$8)', shardValues(s));
        }
      });
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
      for (const l of lines) {
        await ctx.conn.run('INSERT INTO job_logs VALUES ($1,$2,$3,$4,$5)', [
          l.jobId,
          l.ts,
          l.shard,
          l.level,
          l.message,
        ]);
      }
    },
    async listLogs(jobId, opts = {}) {
      const r = await rows(
        `SELECT * FROM job_logs WHERE job_id = $1 AND ts > $2 ORDER BY ts, rowid LIMIT ${Math.floor(opts.limit ?? 1000)}`,
        [jobId, opts.after ?? -1],
      );
      return r.map(rowToLog);
    },
  };
}
