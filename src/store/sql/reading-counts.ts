/**
 * The reading queries both adapters answer with the same SQL - how many readings a channel (or the
 * store) holds and the time they span - over the adapter's own query function and channel-key lookup.
 * The engines answer them differently (DuckDB from zone maps, PostgreSQL from the (channel_key, ts)
 * index) but the statements are the same.
 */
import type { ReadingExtent, ReadingRepo } from '../ports/readings.ts';
import type { Row } from './row.ts';

/** Runs one statement with `$n` parameters and returns its rows. */
export type QueryRows = (sql: string, params?: number[]) => Promise<Row[]>;

/** `count` and `extent` of a {@link ReadingRepo}. */
export function readingCounts(
  query: QueryRows,
  keyOf: (channelId: string) => Promise<number | undefined>,
): Pick<ReadingRepo, 'count' | 'extent'> {
  const first = async (sql: string, params?: number[]) => (await query(sql, params))[0];
  return {
    async count(channelId) {
      if (channelId === undefined)
        return Number((await first('SELECT count(*) AS n FROM readings'))?.['n'] ?? 0);
      const key = await keyOf(channelId);
      if (key === undefined) return 0;
      return Number(
        (await first('SELECT count(*) AS n FROM readings WHERE channel_key = $1', [key]))?.['n'] ?? 0,
      );
    },
    async extent(channelId): Promise<ReadingExtent | undefined> {
      const key = await keyOf(channelId);
      if (key === undefined) return undefined;
      // min and max rather than one scan ordering the rows: each engine answers both from its index or zone maps.
      const row = await first('SELECT min(ts) AS a, max(ts) AS b FROM readings WHERE channel_key = $1', [
        key,
      ]);
      const [from, to] = [row?.['a'], row?.['b']];
      return from === null || from === undefined ? undefined : { from: Number(from), to: Number(to) };
    },
  };
}
