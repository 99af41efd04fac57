/** The jobs repository (jobs, their shards and logs), written once for every adapter. */
import type { JobRepo } from '../ports/jobs.ts';
import {
  EXECUTOR_KINDS,
  JOB_KINDS,
  JOB_LOG_LEVELS,
  JOB_STATES,
  type Job,
  type JobLogLine,
  type Shard,
} from '../ports/jobs.ts';
import type { SqlDialect } from './dialect.ts';
import { json, num, numOrNull, oneOf, type Row, str, strOrNull } from './row.ts';
import { insertMany, setClause, type SqlDb } from './sql-db.ts';

/** DDL of the jobs tables. */
export function jobsDdl(d: SqlDialect): string[] {
  const { text, big } = d;
  return [
    `CREATE TABLE IF NOT EXISTS jobs (id ${text} PRIMARY KEY, org_id ${text} NOT NULL, kind ${text} NOT NULL,
      target ${text} NOT NULL, executor ${text} NOT NULL, params ${text} NOT NULL, state ${text} NOT NULL,
      shards INTEGER NOT NULL, shards_done INTEGER NOT NULL, shards_failed INTEGER NOT NULL, external_id ${text},
      created_by ${text}, created_at ${big} NOT NULL, started_at ${big}, ended_at ${big}, error ${text})`,
    `CREATE TABLE IF NOT EXISTS job_shards (job_id ${text} NOT NULL, idx INTEGER NOT NULL, state ${text} NOT NULL,
      attempts INTEGER NOT NULL, label ${text} NOT NULL, error ${text}, started_at ${big}, ended_at ${big},
      PRIMARY KEY (job_id, idx))`,
    `CREATE TABLE IF NOT EXISTS job_logs (job_id ${text} NOT NULL, ts ${big} NOT NULL, shard INTEGER,
      level ${text} NOT NULL, message ${text} NOT NULL)`,
    // Log lines of one millisecond keep their order: DuckDB by rowid, PostgreSQL (whose heap order is no
    // promise) by a serial column.
    ...(d.name === 'postgres' ? ['ALTER TABLE job_logs ADD COLUMN IF NOT EXISTS id BIGSERIAL'] : []),
  ];
}

function rowToJob(r: Row): Job {
  return {
    id: str(r, 'id'),
    orgId: str(r, 'org_id'),
    kind: oneOf(r, 'kind', JOB_KINDS),
    target: str(r, 'target'),
    executor: oneOf(r, 'executor', EXECUTOR_KINDS),
    params: json<Record<string, unknown>>(r, 'params'),
    state: oneOf(r, 'state', JOB_STATES),
    shards: num(r, 'shards'),
    shardsDone: num(r, 'shards_done'),
    shardsFailed: num(r, 'shards_failed'),
    externalId: strOrNull(r, 'external_id'),
    createdBy: strOrNull(r, 'created_by'),
    createdAt: num(r, 'created_at'),
    startedAt: numOrNull(r, 'started_at'),
    endedAt: numOrNull(r, 'ended_at'),
    error: strOrNull(r, 'error'),
  };
}

function rowToShard(r: Row): Shard {
  return {
    jobId: str(r, 'job_id'),
    index: num(r, 'idx'),
    state: oneOf(r, 'state', JOB_STATES),
    attempts: num(r, 'attempts'),
    label: str(r, 'label'),
    error: strOrNull(r, 'error'),
    startedAt: numOrNull(r, 'started_at'),
    endedAt: numOrNull(r, 'ended_at'),
  };
}

function rowToLog(r: Row): JobLogLine {
  return {
    jobId: str(r, 'job_id'),
    ts: num(r, 'ts'),
    shard: numOrNull(r, 'shard'),
    level: oneOf(r, 'level', JOB_LOG_LEVELS),
    message: str(r, 'message'),
  };
}

const JOB_PATCH_COLUMNS = {
  state: 'state',
  shardsDone: 'shards_done',
  shardsFailed: 'shards_failed',
  externalId: 'external_id',
  startedAt: 'started_at',
  endedAt: 'ended_at',
  error: 'error',
} as const;

const SHARD_PATCH_COLUMNS = {
  state: 'state',
  attempts: 'attempts',
  error: 'error',
  startedAt: 'started_at',
  endedAt: 'ended_at',
} as const;

const JOB_INSERT = `INSERT INTO jobs (id, org_id, kind, target, executor, params, state, shards, shards_done,
  shards_failed, external_id, created_by, created_at, started_at, ended_at, error)
  VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)`;

function jobValues(j: Job): unknown[] {
  const what = [j.id, j.orgId, j.kind, j.target, j.executor, JSON.stringify(j.params)];
  const progress = [j.state, j.shards, j.shardsDone, j.shardsFailed, j.externalId, j.createdBy];
  return [...what, ...progress, j.createdAt, j.startedAt, j.endedAt, j.error];
}

/** The {@link JobRepo} over a database. */
export function createJobRepo(db: SqlDb): JobRepo {
  const logOrder = db.dialect.name === 'duckdb' ? 'rowid' : 'id';
  const update = async (
    table: string,
    set: { sql: string; values: unknown[] },
    where: string,
    keys: unknown[],
  ) => {
    if (set.values.length === 0) return;
    const n = set.values.length;
    const whereSql = where.replace(/\$k(\d)/g, (_, d: string) => `$${n + Number(d)}`);
    await db.query(`UPDATE ${table} ${set.sql} WHERE ${whereSql}`, [...set.values, ...keys]);
  };
  return {
    async createJob(job, shards) {
      await db.transaction(async (tx) => {
        await tx.query(JOB_INSERT, jobValues(job));
        for (const s of shards) {
          const values = [s.jobId, s.index, s.state, s.attempts, s.label, s.error, s.startedAt, s.endedAt];
          await tx.query('INSERT INTO job_shards VALUES ($1,$2,$3,$4,$5,$6,$7,$8)', values);
        }
      });
    },
    async getJob(id) {
      const [r] = await db.query('SELECT * FROM jobs WHERE id = $1', [id]);
      return r ? rowToJob(r) : undefined;
    },
    async listJobs(filter) {
      const where = filter.orgId === undefined ? '' : 'WHERE org_id = $1';
      const values = filter.orgId === undefined ? [] : [filter.orgId];
      const sql = `SELECT * FROM jobs ${where} ORDER BY created_at DESC, id LIMIT ${Math.floor(filter.limit ?? 100)}`;
      return (await db.query(sql, values)).map(rowToJob);
    },
    updateJob: (id, patch) => update('jobs', setClause(patch, JOB_PATCH_COLUMNS), 'id = $k1', [id]),
    updateShard: (jobId, index, patch) =>
      update('job_shards', setClause(patch, SHARD_PATCH_COLUMNS), 'job_id = $k1 AND idx = $k2', [
        jobId,
        index,
      ]),
    async listShards(jobId) {
      const rows = await db.query('SELECT * FROM job_shards WHERE job_id = $1 ORDER BY idx', [jobId]);
      return rows.map(rowToShard);
    },
    async appendLogs(lines) {
      await insertMany(
        db,
        'INSERT INTO job_logs (job_id, ts, shard, level, message)',
        lines.map((l) => [l.jobId, l.ts, l.shard, l.level, l.message]),
      );
    },
    async listLogs(jobId, opts = {}) {
      const sql = `SELECT * FROM job_logs WHERE job_id = $1 AND ts > $2 ORDER BY ts, ${logOrder} LIMIT ${Math.floor(opts.limit ?? 1000)}`;
      return (await db.query(sql, [jobId, opts.after ?? -1])).map(rowToLog);
    },
  };
}
