/**
 * Parquet output through an in-memory DuckDB instance: batches are appended as data chunks to a
 * staging table and copied to Parquet part files of at most `rowsPerFile` rows. Readings are written
 * as (channel_key, ts, value, quality) like the store's readings table, with `channels.parquet`
 * mapping channel_key to the channel's id, description and facility (`loadscope import` reads the
 * folder back); this keeps the per-reading work to
 * copying typed arrays into DuckDB vectors (a string column costs 10x more to append).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DOUBLE, DuckDBDataChunk, DuckDBInstance, INTEGER, UTINYINT } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
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
  /** Rows per part file (default 10 million). */
  rowsPerFile?: number;
  /** DuckDB threads (default: DuckDB's choice). */
  threads?: number;
  /** Facility id of each meter, written as `channels.parquet`'s facility_id (so the folder imports back). */
  meterFacilities?: ReadonlyMap<string, string>;
  /** Write `channels.parquet` on close (default true). */
  writeChannels?: boolean;
  /** File name prefix of the parts (default `readings`). */
  prefix?: string;
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
  // Double buffering: while DuckDB copies one staging table to Parquet (on its own threads, through a
  // second connection), JS keeps generating and appending into the other.
  const copier = await instance.connect();
  for (const k of [0, 1]) {
    await conn.run(
      `CREATE TABLE staging${k} (channel_key INTEGER, ts DOUBLE, value DOUBLE, quality UTINYINT)`,
    );
  }
  const copying: (Promise<void> | null)[] = [null, null];
  let current = 0;
  let appender = await conn.createAppender('staging0');
  const chunk = DuckDBDataChunk.create([INTEGER, DOUBLE, DOUBLE, UTINYINT], CHUNK);
  const rowsPerFile = opts.rowsPerFile ?? 10_000_000;
  let staged = 0;
  let total = 0;
  let part = 0;

  const copyPart = async (table: string, file: string): Promise<void> => {
    try {
      await copier.run(
        `COPY (SELECT channel_key + 1 AS channel_key, ts::BIGINT AS ts, value, quality FROM ${table}) TO ${sqlString(file)} (FORMAT parquet)`,
      );
      await copier.run(`DELETE FROM ${table}`);
    } catch (cause) {
      throw new ExternalError('duckdb', `writing ${file} failed`, { cause });
    }
  };

  const flushPart = async (): Promise<void> => {
    appender.flushSync();
    appender.closeSync();
    if (staged > 0) {
      const file = join(opts.dir, `${opts.prefix ?? 'readings'}-${String(part).padStart(5, '0')}.parquet`);
      const copy = copyPart(`staging${current}`, file);
      // Report a failure at the next flush or at close, whichever awaits it first.
      copy.catch(() => undefined);
      copying[current] = copy;
      part++;
      staged = 0;
      current = 1 - current;
      await copying[current];
      copying[current] = null;
    }
    appender = await conn.createAppender(`staging${current}`);
  };

  const writeChannels = async (): Promise<void> => {
    await conn.run(
      `CREATE TABLE channels (channel_key INTEGER, channel_id VARCHAR, meter_id VARCHAR, name VARCHAR, is_mains BOOLEAN,
        appliance VARCHAR, measurement VARCHAR, unit VARCHAR, interval_ms BIGINT, facility_id VARCHAR)`,
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
      const facility = opts.meterFacilities?.get(c.meterId);
      if (facility === undefined) a.appendNull();
      else a.appendVarchar(facility);
      a.endRow();
    });
    a.flushSync();
    a.closeSync();
    await conn.run(`COPY channels TO ${sqlString(join(opts.dir, 'channels.parquet'))} (FORMAT parquet)`);
  };

  return {
    async write(b) {
      // The batch's typed arrays are copied straight into the chunk's vectors (no value per call).
      const columns = [b.channel, b.ts, b.value, b.quality];
      for (let off = 0; off < b.length; off += CHUNK) {
        const rows = Math.min(CHUNK, b.length - off);
        for (let c = 0; c < columns.length; c++) {
          const a = columns[c] as Int32Array | Float64Array | Uint8Array;
          duckdb.copy_data_to_vector(
            duckdb.data_chunk_get_vector(chunk.chunk, c),
            0,
            a.buffer as ArrayBuffer,
            a.byteOffset + off * a.BYTES_PER_ELEMENT,
            rows * a.BYTES_PER_ELEMENT,
          );
        }
        chunk.rowCount = rows;
        appender.appendDataChunk(chunk);
        staged += rows;
        total += rows;
        if (staged >= rowsPerFile) await flushPart();
      }
    },
    async close() {
      try {
        await flushPart();
        appender.closeSync();
        for (const c of copying) await c;
        if (opts.writeChannels ?? true) await writeChannels();
        return total;
      } finally {
        await Promise.allSettled(copying.map((c) => c ?? Promise.resolve()));
        conn.closeSync();
        copier.closeSync();
        instance.closeSync();
      }
    },
  };
}
