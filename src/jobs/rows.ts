/**
 * What the store adapters' job repositories share: row mapping, column values, and the SQL of every method
 * but the inserts (which each engine does its own way). Column names and `$n` parameters are the same in both.
 */
import type { JobRepo } from '../store/ports/jobs.ts';
import type { Job, JobLogLine, JobState, Shard } from './types.ts';

type Row = Record<string, unknown>;

const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** A jobs-table row as a {@link Job}. */
export function rowToJob(r: Row): Job {
  return {
    id: String(r['id']),
    orgId: String(r['org_id']),
    kind: String(r['kind']) as Job['kind'],
    target: String(r['target']),
    executor: String(r['executor']) as Job['executor'],
    params: JSON.parse(String(r['params'])) as Record<string, unknown>,
    state: String(r['state']) as JobState,
    shards: num(r['shards']),
    shardsDone: num(r['shards_done']),
    shardsFailed: num(r['shards_failed']),
    externalId: strOrNull(r['external_id']),
    createdBy: strOrNull(r['created_by']),
    createdAt: num(r['created_at']),
    startedAt: numOrNull(r['started_at']),
    endedAt: numOrNull(r['ended_at']),
    error: strOrNull(r['error']),
  };
}

/** A job_shards row as a {@link Shard}. */
export function rowToShard(r: Row): Shard {
  return {
    jobId: String(r['job_id']),
    index: num(r['idx']),
    state: String(r['state']) as JobState,
    attempts: num(r['attempts']),
    label: String(r['label']),
    error: strOrNull(r['error']),
    startedAt: numOrNull(r['started_at']),
    endedAt: numOrNull(r['ended_at']),
  };
}

/** A job_logs row as a {@link JobLogLine}. */
export function rowToLog(r: Row): JobLogLine {
  return {
    jobId: String(r['job_id']),
    ts: num(r['ts']),
    shard: numOrNull(r['shard']),
    level: String(r['level']) as JobLogLine['level'],
    message: String(r['message']),
  };
}

/** Column names of {@link Job} patch fields. */
export const JOB_PATCH_COLUMNS = {
  state: 'state',
  shardsDone: 'shards_done',
  shardsFailed: 'shards_failed',
  externalId: 'external_id',
  startedAt: 'started_at',
  endedAt: 'ended_at',
  error: 'error',
} as const;

/** Column names of shard patch fields. */
export const SHARD_PATCH_COLUMNS = {
  state: 'state',
  attempts: 'attempts',
  error: 'error',
  startedAt: 'started_at',
  endedAt: 'ended_at',
} as const;

/** `[column, value]` pairs of the defined fields of a patch. */
export function patchPairs<K extends string>(
  patch: Partial<Record<K, unknown>>,
  columns: Record<K, string>,
): [string, unknown][] {
  const pairs: [string, unknown][] = [];
  for (const [k, col] of Object.entries(columns) as [K, string][]) {
    if (patch[k] !== undefined) pairs.push([col, patch[k]]);
  }
  return pairs;
}

/** DDL shared by both adapters; `text`, `big` and `dbl` are the engine's type names. */
export function jobsDdl(t: { text: string; big: string }): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS jobs (id ${t.text} PRIMARY KEY, org_id ${t.text} NOT NULL, kind ${t.text} NOT NULL,
      target ${t.text} NOT NULL, executor ${t.text} NOT NULL, params ${t.text} NOT NULL, state ${t.text} NOT NULL,
      shards INTEGER NOT NULL, shards_done INTEGER NOT NULL, shards_failed INTEGER NOT NULL, external_id ${t.text},
      created_by ${t.text}, created_at ${t.big} NOT NULL, started_at ${t.big}, ended_at ${t.big}, error ${t.text})`,
    `CREATE TABLE IF NOT EXISTS job_shards (job_id ${t.text} NOT NULL, idx INTEGER NOT NULL, state ${t.text} NOT NULL,
      attempts INTEGER NOT NULL, label ${t.text} NOT NULL, error ${t.text}, started_at ${t.big}, ended_at ${t.big},
      PRIMARY KEY (job_id, idx))`,
    `CREATE TABLE IF NOT EXISTS job_logs (job_id ${t.text} NOT NULL, ts ${t.big} NOT NULL, shard INTEGER,
      level ${t.text} NOT NULL, message ${t.text} NOT NULL)`,
  ];
}

/** A job's column values in table order (for INSERT ... VALUES ($1..$16)). */
export function jobValues(job: Job): (string | number | null)[] {
  return [
    job.id,
    job.orgId,
    job.kind,
    job.target,
    job.executor,
    JSON.stringify(job.params),
    job.state,
    job.shards,
    job.shardsDone,
    job.shardsFailed,
    job.externalId,
    job.createdBy,
    job.createdAt,
    job.startedAt,
    job.endedAt,
    job.error,
  ];
}

/** A shard's column values in table order (for INSERT ... VALUES ($1..$8)). */
export function shardValues(s: Shard): (string | number | null)[] {
  return [s.jobId, s.index, s.state, s.attempts, s.label, s.error, s.startedAt, s.endedAt];
}

/** Runs a statement with positional parameters and returns its rows (none for an UPDATE). */
export type JobQuery = (sql: string, params?: (string | number | null)[]) => Promise<Row[]>;

/**
 * The reads and updates of {@link JobRepo} over `query`. `logOrder` is the column that keeps log lines of the
 * same millisecond in insertion order (DuckDB `rowid`, PostgreSQL a serial `id`).
 */
export function createJobReadsAndUpdates(
  query: JobQuery,
  logOrder: string,
): Pick<JobRepo, 'getJob' | 'listJobs' | 'updateJob' | 'updateShard' | 'listShards' | 'listLogs'> {
  const update = async (
    table: string,
    pairs: [string, unknown][],
    where: string,
    keys: (string | number)[],
  ) => {
    if (pairs.length === 0) return;
    const set = pairs.map(([c], i) => `${c} = $${i + 1}`).join(', ');
    const whereSql = where.replace(/\$k(\d)/g, (_, d: string) => `$${pairs.length + Number(d)}`);
    await query(`UPDATE ${table} SET ${set} WHERE ${whereSql}`, [
      ...pairs.map(([, v]) => v as string | number | null),
      ...keys,
    ]);
  };
  return {
    async getJob(id) {
      const [r] = await query('SELECT * FROM jobs WHERE id = $1', [id]);
      return r ? rowToJob(r) : undefined;
    },
    async listJobs(filter) {
      const where = filter.orgId === undefined ? '' : 'WHERE org_id = $1';
      const values = filter.orgId === undefined ? [] : [filter.orgId];
      const sql = `SELECT * FROM jobs ${where} ORDER BY created_at DESC, id LIMIT ${Math.floor(filter.limit ?? 100)}`;
      return (await query(sql, values)).map(rowToJob);
    },
    updateJob: (id, patch) => update('jobs', patchPairs(patch, JOB_PATCH_COLUMNS), 'id = $k1', [id]),
    updateShard: (jobId, index, patch) =>
      update('job_shards', patchPairs(patch, SHARD_PATCH_COLUMNS), 'job_id = $k1 AND idx = $k2', [
        jobId,
        index,
      ]),
    async listShards(jobId) {
      return (await query('SELECT * FROM job_shards WHERE job_id = $1 ORDER BY idx', [jobId])).map(
        rowToShard,
      );
    },
    async listLogs(jobId, opts = {}) {
      const sql = `SELECT * FROM job_logs WHERE job_id = $1 AND ts > $2 ORDER BY ts, ${logOrder} LIMIT ${Math.floor(opts.limit ?? 1000)}`;
      return (await query(sql, [jobId, opts.after ?? -1])).map(rowToLog);
    },
  };
}
