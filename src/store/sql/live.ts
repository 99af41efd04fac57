/** The live repository (latest value per channel, 1/15-minute windows), written once for every adapter. */
import type { LiveRepo, WindowAggregate } from '../ports/live.ts';
import type { SqlDialect } from './dialect.ts';
import { bool, num, type Row, str } from './row.ts';
import { insertMany, type SqlDb } from './sql-db.ts';

/** DDL of the live tables. */
export function liveDdl(t: SqlDialect): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS live_latest (channel_id ${t.text} PRIMARY KEY, ts ${t.big} NOT NULL, value ${t.double} NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS live_windows (channel_id ${t.text} NOT NULL, width_ms ${t.big} NOT NULL, start_ts ${t.big} NOT NULL,
       n ${t.big} NOT NULL, sum ${t.double} NOT NULL, min ${t.double} NOT NULL, max ${t.double} NOT NULL, final ${t.bool} NOT NULL,
       PRIMARY KEY (channel_id, width_ms, start_ts))`,
  ];
}

function rowToWindow(r: Row): WindowAggregate {
  return {
    channelId: str(r, 'channel_id'),
    widthMs: num(r, 'width_ms'),
    start: num(r, 'start_ts'),
    count: num(r, 'n'),
    sum: num(r, 'sum'),
    min: num(r, 'min'),
    max: num(r, 'max'),
    final: bool(r, 'final'),
  };
}

/** The {@link LiveRepo} over a database. */
export function createLiveRepo(db: SqlDb): LiveRepo {
  return {
    async upsertLatest(values) {
      await insertMany(
        db,
        'INSERT INTO live_latest (channel_id, ts, value)',
        values.map((v) => [v.channelId, v.ts, v.value]),
        `ON CONFLICT (channel_id) DO UPDATE SET ts = excluded.ts, value = excluded.value
         WHERE excluded.ts > live_latest.ts`,
      );
    },
    async getLatest(filter = {}) {
      const ids = filter.channelIds;
      if (ids?.length === 0) return [];
      const r = ids
        ? await db.query(
            `SELECT * FROM live_latest WHERE ${db.dialect.inTextList('channel_id', '$1')} ORDER BY channel_id`,
            [db.dialect.textList(ids)],
          )
        : await db.query(`SELECT * FROM live_latest ORDER BY channel_id`);
      return r.map((x) => ({ channelId: str(x, 'channel_id'), ts: num(x, 'ts'), value: num(x, 'value') }));
    },
    async upsertWindows(windows) {
      await insertMany(
        db,
        'INSERT INTO live_windows (channel_id, width_ms, start_ts, n, sum, min, max, final)',
        windows.map((w) => [w.channelId, w.widthMs, w.start, w.count, w.sum, w.min, w.max, w.final]),
        `ON CONFLICT (channel_id, width_ms, start_ts) DO UPDATE SET n = excluded.n, sum = excluded.sum,
         min = excluded.min, max = excluded.max, final = excluded.final`,
      );
    },
    async listWindows(q) {
      const r = await db.query(
        `SELECT * FROM live_windows WHERE channel_id = $1 AND width_ms = $2 AND start_ts >= $3 AND start_ts < $4
         ORDER BY start_ts`,
        [q.channelId, q.widthMs, q.from, q.to],
      );
      return r.map(rowToWindow);
    },
  };
}
