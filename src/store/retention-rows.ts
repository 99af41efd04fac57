/**
 * What the store adapters' retention repositories share: the DDL and the SQL of every method
 * (positional `$n` parameters and `ON CONFLICT … DO UPDATE`, the same on DuckDB and PostgreSQL). The
 * adapter supplies a query function and a transaction that reports the rows a statement changed.
 */
import type { ReadingBatch } from '../domain/types.ts';
import {
  RETENTION_DEFAULTS,
  checkRetentionSettings,
  emptyBatch,
  retentionStateOf,
  type RetentionRepo,
} from './ports/retention.ts';

type Row = Record<string, unknown>;
type Value = string | number | null;

/** Runs a statement with positional parameters and returns its rows. */
export type RetentionQuery = (sql: string, params?: Value[]) => Promise<Row[]>;

/** Runs `fn` in one transaction; `run` returns the rows a statement changed; throwing rolls back. */
export type RetentionTransaction = <T>(
  fn: (run: (sql: string, params: Value[]) => Promise<number>) => Promise<T>,
) => Promise<T>;

/** DDL of the retention table; `text` and `big` are the engine's type names. */
export function retentionDdl(t: { text: string; big: string }): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS retention (org_id ${t.text} PRIMARY KEY, raw_days INTEGER NOT NULL,
      minute_days INTEGER NOT NULL, lake_before ${t.big}, minutes_before ${t.big}, last_run ${t.text})`,
  ];
}

const COLUMNS = 'org_id, raw_days, minute_days, lake_before, minutes_before, last_run';
/** Channel keys of organisation $1. */
const ORG_KEYS = `SELECT c.key FROM channels c JOIN meters m ON m.id = c.meter_id
  JOIN facilities f ON f.id = m.facility_id WHERE f.org_id = $1`;
const DEFAULT_ROW = `($1, ${RETENTION_DEFAULTS.rawDays}, ${RETENTION_DEFAULTS.minuteDays}, NULL, NULL, NULL)`;

/** Rows (`id`, `ts`, `value`, `quality`) ordered by channel id and time as a columnar batch. */
export function batchOfRows(rows: Row[]): ReadingBatch {
  if (rows.length === 0) return emptyBatch();
  const n = rows.length;
  const b: ReadingBatch = {
    channelIds: [],
    channel: new Int32Array(n),
    ts: new Float64Array(n),
    value: new Float64Array(n),
    quality: new Uint8Array(n),
    length: n,
  };
  let last: string | undefined;
  for (let i = 0; i < n; i++) {
    const r = rows[i] as Row;
    const id = String(r['id']);
    if (id !== last) {
      b.channelIds.push(id);
      last = id;
    }
    b.channel[i] = b.channelIds.length - 1;
    b.ts[i] = Number(r['ts']);
    b.value[i] = Number(r['value']);
    b.quality[i] = Number(r['quality']);
  }
  return b;
}

/** The repository over a query function and a transaction (the adapter supplies them and maps errors). */
export function createRetentionQueries(
  q: RetentionQuery,
  tx: RetentionTransaction,
  slice: (orgId: string, from: number, to: number) => Promise<ReadingBatch> = async (orgId, from, to) =>
    batchOfRows(
      await q(
        `SELECT c.id, r.ts, r.value, r.quality FROM readings r JOIN channels c ON c.key = r.channel_key
         WHERE r.channel_key IN (${ORG_KEYS}) AND r.ts >= $2 AND r.ts < $3 ORDER BY c.id, r.ts`,
        [orgId, from, to],
      ),
    ),
): RetentionRepo {
  const get = async (orgId: string) =>
    retentionStateOf(orgId, (await q(`SELECT ${COLUMNS} FROM retention WHERE org_id = $1`, [orgId]))[0]);
  return {
    get,
    async list() {
      const rows = await q(
        `SELECT o.id AS org, ${COLUMNS} FROM organisations o LEFT JOIN retention r ON r.org_id = o.id ORDER BY o.id`,
      );
      return rows.map((r) => retentionStateOf(String(r['org']), r['org_id'] === null ? undefined : r));
    },
    async set(orgId, settings) {
      const s = checkRetentionSettings(settings);
      await q(
        `INSERT INTO retention (${COLUMNS}) VALUES ($1, $2, $3, NULL, NULL, NULL)
         ON CONFLICT (org_id) DO UPDATE SET raw_days = excluded.raw_days, minute_days = excluded.minute_days`,
        [orgId, s.rawDays, s.minuteDays],
      );
      return get(orgId);
    },
    async markLakeBefore(orgId, before) {
      await q(`INSERT INTO retention (${COLUMNS}) VALUES ${DEFAULT_ROW} ON CONFLICT (org_id) DO NOTHING`, [
        orgId,
      ]);
      await q(
        `UPDATE retention SET lake_before = $2 WHERE org_id = $1 AND (lake_before IS NULL OR lake_before < $2)`,
        [orgId, before],
      );
    },
    async recordRun(orgId, run, minutesBefore) {
      await q(`INSERT INTO retention (${COLUMNS}) VALUES ${DEFAULT_ROW} ON CONFLICT (org_id) DO NOTHING`, [
        orgId,
      ]);
      await q(
        `UPDATE retention SET last_run = $2,
           minutes_before = CASE WHEN minutes_before IS NULL OR minutes_before < $3 THEN $3 ELSE minutes_before END
         WHERE org_id = $1`,
        [orgId, JSON.stringify(run), minutesBefore],
      );
    },
    async oldestRaw(orgId) {
      const row = (
        await q(`SELECT min(ts) AS t FROM readings WHERE channel_key IN (${ORG_KEYS})`, [orgId])
      )[0];
      const t = row?.['t'];
      return t === null || t === undefined ? undefined : Number(t);
    },
    rawSlice: slice,
    dropRaw: (orgId, from, to, expected) =>
      tx(async (run) => {
        const n = await run(
          `DELETE FROM readings WHERE channel_key IN (${ORG_KEYS}) AND ts >= $2 AND ts < $3`,
          [orgId, from, to],
        );
        // Throwing rolls the delete back: a reading written since the caller read the slice is kept.
        if (n !== expected) throw new SliceChanged(n, expected);
        return true;
      }).catch((err: unknown) => {
        if (err instanceof SliceChanged) return false;
        throw err;
      }),
    async dropMinutes(orgId, before) {
      let n = 0;
      await tx(async (run) => {
        n = await run(`DELETE FROM reading_minutes WHERE channel_key IN (${ORG_KEYS}) AND minute < $2`, [
          orgId,
          before,
        ]);
      });
      return n;
    },
  };
}

/** A slice held other readings than the caller verified: the delete is rolled back. */
class SliceChanged extends Error {
  constructor(found: number, expected: number) {
    super(`the slice holds ${found} readings, ${expected} were verified`);
  }
}
