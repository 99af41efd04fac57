import type { DuckDBValue } from '@duckdb/node-api';
import { createJobReadsAndUpdates, jobsDdl, jobValues, shardValues } from '../../jobs/rows.ts';
import type { JobRepo } from '../ports/jobs.ts';
import { type DuckdbContext, runRows } from './connection.ts';
import { inTransaction } from './transaction.ts';

/** DDL for the jobs tables, run in order by `migrate()`. */
export const jobsSchema: readonly string[] = jobsDdl({ text: 'VARCHAR', big: 'BIGINT' });

/** The duckdb implementation of {@link JobRepo}. */
export function createJobRepo(ctx: DuckdbContext): JobRepo {
  const rows = (sql: string, values: DuckDBValue[] = []) => runRows(ctx, sql, values);
  return {
    ...createJobReadsAndUpdates(rows, 'rowid'),
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
  };
}
