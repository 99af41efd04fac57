/**
 * Web import records, written once for every adapter. Progress, summary and error are JSON text: read
 * whole, never queried inside.
 */
import {
  IMPORT_STATES,
  type ImportFailure,
  type ImportRecord,
  type ImportPatch,
  type ImportRepo,
} from '../ports/imports.ts';
import type { SqlDialect } from './dialect.ts';
import { json, jsonOrNull, num, numOrNull, oneOf, type Row, str } from './row.ts';
import { setClause, type SqlDb } from './sql-db.ts';

/** DDL of the imports table. */
export function importsDdl(t: SqlDialect): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS imports (id ${t.text} PRIMARY KEY, org_id ${t.text} NOT NULL,
      filename ${t.text} NOT NULL, facility_id ${t.text} NOT NULL, state ${t.text} NOT NULL,
      started_at ${t.big} NOT NULL, ended_at ${t.big}, heartbeat_at ${t.big} NOT NULL, progress ${t.text} NOT NULL,
      summary ${t.text}, error ${t.text})`,
    'CREATE INDEX IF NOT EXISTS imports_org_started ON imports (org_id, started_at)',
  ];
}

const COLUMNS =
  'id, org_id, filename, facility_id, state, started_at, ended_at, heartbeat_at, progress, summary, error';

function rowToImport(r: Row): ImportRecord {
  return {
    id: str(r, 'id'),
    orgId: str(r, 'org_id'),
    filename: str(r, 'filename'),
    facilityId: str(r, 'facility_id'),
    state: oneOf(r, 'state', IMPORT_STATES),
    startedAt: num(r, 'started_at'),
    endedAt: numOrNull(r, 'ended_at'),
    heartbeatAt: num(r, 'heartbeat_at'),
    progress: json<ImportRecord['progress']>(r, 'progress'),
    summary: jsonOrNull<NonNullable<ImportRecord['summary']>>(r, 'summary'),
    error: jsonOrNull<ImportFailure>(r, 'error'),
  };
}

const toJson = (v: unknown): string | null => (v === null ? null : JSON.stringify(v));

const PATCH_COLUMNS: Readonly<Record<keyof ImportPatch, string>> = {
  state: 'state',
  facilityId: 'facility_id',
  endedAt: 'ended_at',
  heartbeatAt: 'heartbeat_at',
  progress: 'progress',
  summary: 'summary',
  error: 'error',
};

/** The {@link ImportRepo} over a database. */
export function createImportRepo(db: SqlDb): ImportRepo {
  return {
    async createImport(rec) {
      await db.query(
        `INSERT INTO imports (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          rec.id,
          rec.orgId,
          rec.filename,
          rec.facilityId,
          rec.state,
          rec.startedAt,
          rec.endedAt,
          rec.heartbeatAt,
          toJson(rec.progress),
          toJson(rec.summary),
          toJson(rec.error),
        ],
      );
    },
    async updateImport(id, patch) {
      const doc = (v: unknown) => (v === undefined ? undefined : toJson(v));
      const stored = {
        ...patch,
        progress: doc(patch.progress),
        summary: doc(patch.summary),
        error: doc(patch.error),
      };
      const set = setClause(stored, PATCH_COLUMNS);
      if (set.values.length === 0) return;
      await db.query(`UPDATE imports ${set.sql} WHERE id = $${set.values.length + 1}`, [...set.values, id]);
    },
    async getImport(id) {
      const [r] = await db.query(`SELECT ${COLUMNS} FROM imports WHERE id = $1`, [id]);
      return r ? rowToImport(r) : undefined;
    },
    async listImports(filter) {
      const limit = Math.max(0, Math.floor(filter.limit ?? 100));
      const rows = await db.query(
        `SELECT ${COLUMNS} FROM imports WHERE org_id = $1 ORDER BY started_at DESC, id LIMIT ${limit}`,
        [filter.orgId],
      );
      return rows.map(rowToImport);
    },
    async interruptStale(ids, before, error, endedAt) {
      if (ids.length === 0) return 0;
      return db.execute(
        `UPDATE imports SET state = 'failed', error = $1, ended_at = $2
         WHERE state = 'running' AND heartbeat_at < $3 AND ${db.dialect.inTextList('id', '$4')}`,
        [toJson(error), endedAt, before, db.dialect.textList(ids)],
      );
    },
  };
}
