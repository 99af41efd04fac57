import type { DuckDBValue } from '@duckdb/node-api';
import { StoreError } from '../../errors.ts';
import { liveDdl, rowToWindow } from '../../realtime/store-rows.ts';
import type { LiveRepo } from '../ports/live.ts';
import { type DuckdbContext, queryRows, type Queryable } from './connection.ts';

/** DDL for the live tables, run in order by `migrate()`. */
export const liveSchema: readonly string[] = liveDdl({
  text: 'VARCHAR',
  big: 'BIGINT',
  dbl: 'DOUBLE',
  bool: 'BOOLEAN',
});

const CHUNK = 500;

/** The duckdb implementation of {@link LiveRepo}. */
export function createLiveRepo(ctx: DuckdbContext): LiveRepo {
  const on = async (target: Queryable, sql: string, values: unknown[] = []) => {
    try {
      return await queryRows(target, sql, values as DuckDBValue[]);
    } catch (cause) {
      throw new StoreError('duckdb', sql.split(/\s+/).slice(0, 3).join(' '), { cause });
    }
  };
  const rows = (sql: string, values: unknown[] = []) => on(ctx.conn, sql, values);
  const reads = (sql: string, values: unknown[] = []) => on(ctx.reads, sql, values);
  const tuples = (n: number, width: number): string =>
    Array.from(
      { length: n },
      (_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`,
    ).join(', ');
  return {
    async upsertLatest(values) {
      for (let i = 0; i < values.length; i += CHUNK) {
        const chunk = values.slice(i, i + CHUNK);
        await rows(
          `INSERT INTO live_latest VALUES ${tuples(chunk.length, 3)}
           ON CONFLICT (channel_id) DO UPDATE SET ts = excluded.ts, value = excluded.value WHERE excluded.ts > live_latest.ts`,
          chunk.flatMap((v) => [v.channelId, v.ts, v.value]),
        );
      }
    },
    async getLatest(filter = {}) {
      const ids = filter.channelIds;
      const r = ids
        ? ids.length
          ? await reads(
              `SELECT * FROM live_latest WHERE channel_id IN (${ids.map((_, i) => `$${i + 1}`).join(', ')}) ORDER BY channel_id`,
              ids,
            )
          : []
        : await reads(`SELECT * FROM live_latest ORDER BY channel_id`);
      return r.map((x) => ({
        channelId: String(x['channel_id']),
        ts: Number(x['ts']),
        value: Number(x['value']),
      }));
    },
    async upsertWindows(windows) {
      for (let i = 0; i < windows.length; i += CHUNK) {
        const chunk = windows.slice(i, i + CHUNK);
        await rows(
          `INSERT INTO live_windows VALUES ${tuples(chunk.length, 8)}
           ON CONFLICT (channel_id, width_ms, start_ts) DO UPDATE SET n = excluded.n, sum = excluded.sum, min = excluded.min,
             max = excluded.max, final = excluded.final`,
          chunk.flatMap((w) => [w.channelId, w.widthMs, w.start, w.count, w.sum, w.min, w.max, w.final]),
        );
      }
    },
    async listWindows(q) {
      const r = await reads(
        `SELECT * FROM live_windows WHERE channel_id = $1 AND width_ms = $2 AND start_ts >= $3 AND start_ts < $4 ORDER BY start_ts`,
        [q.channelId, q.widthMs, q.from, q.to],
      );
      return r.map(rowToWindow);
    },
  };
}
