/**
 * Retention settings per organisation and the store side of a retention run (raw readings read and
 * deleted by whole time slices, minute aggregates deleted before a time), written once for every adapter.
 */
import { emptyBatch } from '../../domain/reading-batch.ts';
import type { ReadingBatch } from '../../domain/types.ts';
import { InputError } from '../../errors.ts';
import {
  MAX_RETENTION_DAYS,
  RETENTION_DEFAULTS,
  type RetentionRepo,
  type RetentionRunRecord,
  type RetentionSettings,
  type RetentionState,
} from '../ports/retention.ts';
import type { SqlDialect } from './dialect.ts';
import { jsonOrNull, num, numOrNull, type Row, str } from './row.ts';
import type { SqlDb } from './sql-db.ts';

/** DDL of the retention table. */
export function retentionDdl(t: SqlDialect): string[] {
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

/** The settings as stored; InputError naming the field unless it is a whole number of days in range. */
function checkRetentionSettings(s: RetentionSettings): RetentionSettings {
  for (const field of ['rawDays', 'minuteDays'] as const) {
    const v = s[field];
    if (!Number.isInteger(v) || v < 1 || v > MAX_RETENTION_DAYS)
      throw new InputError(
        `${field} must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}, got ${v}`,
        {
          field,
        },
      );
  }
  return { rawDays: s.rawDays, minuteDays: s.minuteDays };
}

/** An organisation's state from its retention row, or the defaults when it has none. */
function stateOf(orgId: string, r: Row | undefined): RetentionState {
  if (!r) return { orgId, ...RETENTION_DEFAULTS, lakeBefore: null, minutesBefore: null, lastRun: null };
  return {
    orgId,
    rawDays: num(r, 'raw_days'),
    minuteDays: num(r, 'minute_days'),
    lakeBefore: numOrNull(r, 'lake_before'),
    minutesBefore: numOrNull(r, 'minutes_before'),
    lastRun: jsonOrNull<RetentionRunRecord>(r, 'last_run'),
  };
}

/** Rows (`id`, `ts`, `value`, `quality`) ordered by channel id and time as a columnar batch. */
function batchOfRows(rows: Row[]): ReadingBatch {
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
  rows.forEach((r, i) => {
    const id = str(r, 'id');
    if (id !== last) {
      b.channelIds.push(id);
      last = id;
    }
    b.channel[i] = b.channelIds.length - 1;
    b.ts[i] = num(r, 'ts');
    b.value[i] = num(r, 'value');
    b.quality[i] = num(r, 'quality');
  });
  return b;
}

/** A slice held other readings than the caller verified: the delete is rolled back. */
class SliceChanged extends Error {
  constructor(found: number, expected: number) {
    super(`the slice holds ${found} readings, ${expected} were verified`);
  }
}

/** The {@link RetentionRepo} over a database. */
export function createRetentionRepo(db: SqlDb): RetentionRepo {
  const get = async (orgId: string) =>
    stateOf(orgId, (await db.query(`SELECT ${COLUMNS} FROM retention WHERE org_id = $1`, [orgId]))[0]);
  const ensureRow = (orgId: string) =>
    db.query(`INSERT INTO retention (${COLUMNS}) VALUES ${DEFAULT_ROW} ON CONFLICT (org_id) DO NOTHING`, [
      orgId,
    ]);
  return {
    get,
    async list() {
      const rows = await db.query(
        `SELECT o.id AS org, ${COLUMNS} FROM organisations o LEFT JOIN retention r ON r.org_id = o.id ORDER BY o.id`,
      );
      return rows.map((r) => stateOf(str(r, 'org'), r['org_id'] === null ? undefined : r));
    },
    async set(orgId, settings) {
      const s = checkRetentionSettings(settings);
      await db.query(
        `INSERT INTO retention (${COLUMNS}) VALUES ($1, $2, $3, NULL, NULL, NULL)
         ON CONFLICT (org_id) DO UPDATE SET raw_days = excluded.raw_days, minute_days = excluded.minute_days`,
        [orgId, s.rawDays, s.minuteDays],
      );
      return get(orgId);
    },
    async markLakeBefore(orgId, before) {
      await ensureRow(orgId);
      await db.query(
        `UPDATE retention SET lake_before = $2 WHERE org_id = $1 AND (lake_before IS NULL OR lake_before < $2)`,
        [orgId, before],
      );
    },
    async recordRun(orgId, run, minutesBefore) {
      await ensureRow(orgId);
      await db.query(
        `UPDATE retention SET last_run = $2,
           minutes_before = CASE WHEN minutes_before IS NULL OR minutes_before < $3 THEN $3 ELSE minutes_before END
         WHERE org_id = $1`,
        [orgId, JSON.stringify(run), minutesBefore],
      );
    },
    async heldExtents() {
      const rows = await db.query(
        `SELECT c.id AS channel_id, f.org_id, x.a, x.b
         FROM (SELECT channel_key, min(ts) AS a, max(ts) AS b FROM readings GROUP BY channel_key) x
         JOIN channels c ON c.key = x.channel_key JOIN meters m ON m.id = c.meter_id
         JOIN facilities f ON f.id = m.facility_id ORDER BY c.id`,
      );
      return rows.map((r) => ({
        channelId: str(r, 'channel_id'),
        orgId: str(r, 'org_id'),
        from: num(r, 'a'),
        to: num(r, 'b'),
      }));
    },
    async oldestRaw(orgId) {
      const [r] = await db.query(`SELECT min(ts) AS t FROM readings WHERE channel_key IN (${ORG_KEYS})`, [
        orgId,
      ]);
      return (r && numOrNull(r, 't')) ?? undefined;
    },
    async rawSlice(orgId, from, to) {
      return batchOfRows(
        await db.query(
          `SELECT c.id, r.ts, r.value, r.quality FROM readings r JOIN channels c ON c.key = r.channel_key
           WHERE r.channel_key IN (${ORG_KEYS}) AND r.ts >= $2 AND r.ts < $3 ORDER BY c.id, r.ts`,
          [orgId, from, to],
        ),
      );
    },
    // Its own transaction (a connection of its own on DuckDB, whose transactions belong to a connection).
    dropRaw: (orgId, from, to, expected) =>
      db
        .transaction(async (tx) => {
          const n = await tx.execute(
            `DELETE FROM readings WHERE channel_key IN (${ORG_KEYS}) AND ts >= $2 AND ts < $3`,
            [orgId, from, to],
          );
          // Throwing rolls the delete back: a reading written since the caller read the slice is kept.
          if (n !== expected) throw new SliceChanged(n, expected);
          return true;
        })
        .catch((err: unknown) => {
          if (err instanceof SliceChanged) return false;
          throw err;
        }),
    dropMinutes: (orgId, before) =>
      db.transaction((tx) =>
        tx.execute(`DELETE FROM reading_minutes WHERE channel_key IN (${ORG_KEYS}) AND minute < $2`, [
          orgId,
          before,
        ]),
      ),
  };
}
