/**
 * Parquet output through an in-memory DuckDB instance: batches are appended as data chunks to a
 * staging table and copied to Parquet part files of at most `rowsPerFile` rows. Readings are written
 * as (channel_key, ts, value, quality) like the store's readings table, with `channels.parquet`
 * mapping channel_key to the channel's id and description; this keeps the per-reading work to
 * numbers (a string column costs 5x more to append).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DOUBLE, DuckDBDataChunk, DuckDBInstance, INTEGER, UTINYINT } from '@duckdb/node-api';
import type { Channel, ReadingBatch } from '../../domain/types.ts';
import { ExternalError } from '../../errors.ts';

/** A Parquet writer of reading batches. */
export interface ParquetSink {
  /** Appends a batch (copied; the caller may reuse it). */
  write(batch: ReadingBatch): Promise<void>;
  /** Writes the last part file and `channels.parquet`; returns the number of readings written. */
  close(): Promise<number>;
}

/** Options of {@link createParquetSink}. */
export interface ParquetSinkOptions {
  /** Folder for `readings-00000.parquet`, ... and `channels.parquet`. */
  dir: string;
  /** Channels in fleet order: channel_key = index + 1. */
  channels: readonly Channel[];
  /** Rows per part file (default 50 million). */
  rowsPerFile?: number;
  /** DuckDB threads (default: DuckDB's choice). */
  threads?: number;
}

const CHUNK = 2048;
const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** Opens a Parquet sink. */
export async function createParquetSink(opts: ParquetSinkOptions): Promise<ParquetSink> {
  await mkdir(opts.dir, { recursive: true });
  const config: Record<string, string> = {};
  if (opts.threads) config['threads'] = String(opts.threads);
  const instance = await DuckDBInstance.create(':memory:', config);
  const conn = await instance.connect();
  await conn.run('CREATE TABLE staging (channel_key INTEGER, ts DOUBLE, value DOUBLE, quality UTINYINT)');
  let appender = await conn.createAppender('staging');
  const chunk = DuckDBDataChunk.create([INTEGER, DOUBLE, DOUBLE, UTINYINT], CHUNK);
  const rowsPerFile = opts.rowsPerFile ?? 50_000_000;
  let staged = 0;
  let total = 0;
  let part = 0;

  const flushPart = async (): Promise<void> => {
    appender.flushSync();
    appender.closeSync();
    if (staged > 0) {
      const file = join(opts.dir, `readings-${String(part).padStart(5, '0')}.parquet`);
      try {
        await conn.run(
          `COPY (SELECT channel_key, ts::BIGINT AS ts, value, quality FROM staging) TO ${sqlString(file)} (FORMAT parquet)`,
        );
      } catch (cause) {
        throw new ExternalError('duckdb', `writing ${file} failed`, { cause });
      }
      await conn.run('DELETE FROM staging');
      part++;
      staged = 0;
    }
    appender = await conn.createAppender('staging');
  };

  const writeChannels = async (): Promise<void> => {
    await conn.run(
      `CREATE TABLE channels (channel_key INTEGER, channel_id VARCHAR, meter_id VARCHAR, name VARCHAR, is_mains BOOLEAN,
        appliance VARCHAR, measurement VARCHAR, unit VARCHAR, interval_ms BIGINT)`,
    );
    const a = await conn.createAppender('channels');
    opts.channels.forEach((c, i) => {
      a.appendInteger(i + 1);
      a.appendVarchar(c.id);
      a.appendVarchar(c.meterId);
      a.appendVarchar(c.name);
      a.appendBoolean(c.isMains);
      if (c.appliance === null) a.appendNull();
      else a.appendVarchar(c.appliance);
      a.appendVarchar(c.measurement);
      a.appendVarchar(c.unit);
      if (c.intervalMs === null) a.appendNull();
      else a.appendBigInt(BigInt(c.intervalMs));
      a.endRow();
    });
    a.flushSync();
    a.closeSync();
    await conn.run(`COPY channels TO ${sqlString(join(opts.dir, 'channels.parquet'))} (FORMAT parquet)`);
  };

  return {
    async write(b) {
      for (let base = 0; base < b.length; base += CHUNK) {
        const n = Math.min(CHUNK, b.length - base);
        // Changing rowCount drops the cached vectors; only the last chunk of a batch is short.
        if (chunk.rowCount !== n) chunk.rowCount = n;
        const ch = chunk.getColumnVector(0);
        const ts = chunk.getColumnVector(1);
        const val = chunk.getColumnVector(2);
        const q = chunk.getColumnVector(3);
        for (let i = 0; i < n; i++) {
          const j = base + i;
          ch.setItem(i, (b.channel[j] as number) + 1);
          ts.setItem(i, b.ts[j] as number);
          val.setItem(i, b.value[j] as number);
          q.setItem(i, b.quality[j] as number);
        }
        ch.flush();
        ts.flush();
        val.flush();
        q.flush();
        appender.appendDataChunk(chunk);
        staged += n;
        total += n;
        if (staged >= rowsPerFile) await flushPart();
      }
    },
    async close() {
      try {
        await flushPart();
        appender.closeSync();
        await writeChannels();
        return total;
      } finally {
        conn.closeSync();
        instance.closeSync();
      }
    },
  };
}
