/**
 * What the store adapters' import repositories share: the DDL, row mapping and the SQL of every method
 * (positional `$n` parameters, the same on DuckDB and PostgreSQL). Progress, summary and error are JSON text.
 */
import type { ImportFailure, ImportPatch, ImportRecord, ImportRepo } from './ports/imports.ts';

type Row = Record<string, unknown>;
type Value = string | number | null;

/** Runs a statement with positional parameters and returns its rows. */
export type ImportQuery = (sql: string, params?: Value[]) => Promise<Row[]>;

const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const jsonOrNull = <T>(v: unknown): T | null =>
  v === null || v === undefined ? null : (JSON.parse(String(v)) as T);
const toJson = (v: unknown): string | null => (v === null ? null : JSON.stringify(v));

/** DDL of the imports table; `text` and `big` are the engine's type names. */
export function importsDdl(t: { text: string; big: string }): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS imports (id ${t.text} PRIMARY KEY, org_id ${t.text} NOT NULL,
      filename ${t.text} NOT NULL, facility_id ${t.text} NOT NULL, state ${t.text} NOT NULL,
      started_at ${t.big} NOT NULL, ended_at ${t.big}, heartbeat_at ${t.big} NOT NULL, progress ${t.text} NOT NULL,
      summary ${t.text}, error ${t.text})`,
    'CREATE INDEX IF NOT EXISTS imports_org_started ON imports (org_id, started_at)',
  ];
}

/** An imports row as an {@link ImportRecord}. */
export function rowToImport(r: Row): ImportRecord {
  return {
    id: String(r['id']),
    orgId: String(r['org_id']),
    filename: String(r['filename']),
    facilityId: String(r['facility_id']),
    state: String(r['state']) as ImportRecord['state'],
    startedAt: Number(r['started_at']),
    endedAt: numOrNull(r['ended_at']),
    heartbeatAt: Number(r['heartbeat_at']),
    progress: JSON.parse(String(r['progress'])) as ImportRecord['progress'],
    summary: jsonOrNull<NonNullable<ImportRecord['summary']>>(r['summary']),
    error: jsonOrNull<ImportFailure>(r['error']),
  };
}

const PATCH_COLUMNS: Record<keyof ImportPatch, [string, (v: never) => Value]> = {
  state: ['state', (v: string) => v],
  facilityId: ['facility_id', (v: string) => v],
  endedAt: ['ended_at', (v: number | null) => v],
  heartbeatAt: ['heartbeat_at', (v: number) => v],
  progress: ['progress', toJson],
  summary: ['summary', toJson],
  error: ['error', toJson],
};

/** Every method of {@link ImportRepo} over `query`. */
export function createImportQueries(query: ImportQuery): ImportRepo {
  return {
    async createImport(rec) {
      await query(
        `INSERT INTO imports (id, org_id, filename, facility_id, state, started_at, ended_at, heartbeat_at,
           progress, summary, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
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
      const pairs = (Object.keys(PATCH_COLUMNS) as (keyof ImportPatch)[])
        .filter((k) => patch[k] !== undefined)
        .map((k) => {
          const [column, encode] = PATCH_COLUMNS[k];
          return [column, encode(patch[k] as never)] as const;
        });
      if (pairs.length === 0) return;
      const set = pairs.map(([c], i) => `${c} = $${i + 2}`).join(', ');
      await query(`UPDATE imports SET ${set} WHERE id = $1`, [id, ...pairs.map(([, v]) => v)]);
    },
    async getImport(id) {
      const [r] = await query('SELECT * FROM imports WHERE id = $1', [id]);
      return r ? rowToImport(r) : undefined;
    },
    async listImports(filter) {
      const limit = Math.max(0, Math.floor(filter.limit ?? 100));
      const rows = await query(
        `SELECT * FROM imports WHERE org_id = $1 ORDER BY started_at DESC, id LIMIT ${limit}`,
        [filter.orgId],
      );
      return rows.map(rowToImport);
    },
    async interruptStale(ids, before, error, endedAt) {
      if (ids.length === 0) return 0;
      const list = ids.map((_, i) => `$${i + 4}`).join(', ');
      const changed = await query(
        `UPDATE imports SET state = 'failed', error = $1, ended_at = $2
         WHERE state = 'running' AND heartbeat_at < $3 AND id IN (${list}) RETURNING id`,
        [toJson(error), endedAt, before, ...ids],
      );
      return changed.length;
    },
  };
}
