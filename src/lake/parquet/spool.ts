/**
 * The spool: an append-only file per writer where batches wait until they are published as Parquet.
 * Appending is one write of the batch's typed arrays (no Parquet encoding on the ingest path); a
 * record is framed by a header and a trailer carrying its length, so that a record torn by a kill -9
 * in the middle of its write (never acknowledged) is recognised and cut off when the spool is read.
 *
 * Record, little-endian: magic u32, readings n u32, places length u32, 0 u32; places JSON (UTF-8,
 * `[[channel id, org id, shard], ...]` per entry of the batch's channelIds) padded to 8 bytes;
 * ts f64 x n; value f64 x n; channel i32 x n; quality u8 x n, padded to 8; trailer magic u32, n u32.
 */
import { open, readFile, truncate, type FileHandle } from 'node:fs/promises';
import type { ReadingBatch } from '../../domain/types.ts';

const MAGIC = 0x4c4b5350;
const TRAILER = 0x4c4b4544;
const HEADER = 16;

/** Where a batch entry's readings go: channel id, organisation and shard. */
export type SpoolPlace = readonly [channelId: string, orgId: string, shard: number];

/** One record read back from a spool. */
export interface SpoolRecord {
  places: SpoolPlace[];
  ts: Float64Array;
  value: Float64Array;
  channel: Int32Array;
  quality: Uint8Array;
}

const pad8 = (n: number): number => (n + 7) & ~7;

/** Encodes a batch and the places of its channelIds as one record. */
export function encodeRecord(batch: ReadingBatch, places: SpoolPlace[]): Buffer {
  const n = batch.length;
  const json = Buffer.from(JSON.stringify(places), 'utf8');
  const jsonEnd = HEADER + pad8(json.length);
  const size = jsonEnd + 16 * n + pad8(5 * n) + 8;
  const buf = Buffer.allocUnsafe(size);
  buf.fill(0, 0, HEADER).fill(0, HEADER + json.length, jsonEnd);
  buf.writeUInt32LE(MAGIC, 0);
  buf.writeUInt32LE(n, 4);
  buf.writeUInt32LE(json.length, 8);
  json.copy(buf, HEADER);
  let off = jsonEnd;
  const put = (a: Float64Array | Int32Array | Uint8Array): void => {
    const bytes = n * a.BYTES_PER_ELEMENT;
    buf.set(new Uint8Array(a.buffer, a.byteOffset, bytes), off);
    off += bytes;
  };
  put(batch.ts);
  put(batch.value);
  put(batch.channel);
  put(batch.quality);
  buf.fill(0, off, size - 8);
  buf.writeUInt32LE(TRAILER, size - 8);
  buf.writeUInt32LE(n, size - 4);
  return buf;
}

/**
 * The `n` elements starting at byte `off` of `buf`: a view when the address is aligned (records are
 * laid out so that it is whenever the buffer is), else an aligned copy.
 */
function take<T extends Float64Array | Int32Array | Uint8Array>(
  buf: Buffer,
  off: number,
  n: number,
  make: (b: ArrayBuffer, off: number, n: number) => T,
  size: number,
): T {
  if ((buf.byteOffset + off) % size === 0) return make(buf.buffer as ArrayBuffer, buf.byteOffset + off, n);
  const copy = new Uint8Array(n * size);
  copy.set(buf.subarray(off, off + n * size));
  return make(copy.buffer, 0, n);
}

/**
 * Decodes the complete records of a spool file's bytes; `validBytes` is where the last complete
 * record ends (a torn tail starts there).
 */
export function decodeRecords(buf: Buffer): { records: SpoolRecord[]; validBytes: number } {
  const records: SpoolRecord[] = [];
  let off = 0;
  while (off + HEADER <= buf.length) {
    if (buf.readUInt32LE(off) !== MAGIC) break;
    const n = buf.readUInt32LE(off + 4);
    const jsonLength = buf.readUInt32LE(off + 8);
    const jsonEnd = off + HEADER + pad8(jsonLength);
    const end = jsonEnd + 16 * n + pad8(5 * n) + 8;
    if (end > buf.length) break;
    if (buf.readUInt32LE(end - 8) !== TRAILER || buf.readUInt32LE(end - 4) !== n) break;
    let places: SpoolPlace[];
    try {
      places = JSON.parse(buf.toString('utf8', off + HEADER, off + HEADER + jsonLength)) as SpoolPlace[];
    } catch {
      break;
    }
    let p = jsonEnd;
    const ts = take(buf, p, n, (b, o, k) => new Float64Array(b, o, k), 8);
    p += 8 * n;
    const value = take(buf, p, n, (b, o, k) => new Float64Array(b, o, k), 8);
    p += 8 * n;
    const channel = take(buf, p, n, (b, o, k) => new Int32Array(b, o, k), 4);
    p += 4 * n;
    const quality = take(buf, p, n, (b, o, k) => new Uint8Array(b, o, k), 1);
    records.push({ places, ts, value, channel, quality });
    off = end;
  }
  return { records, validBytes: off };
}

/** Reads a spool file's complete records and cuts off a torn tail left by a crash. */
export async function readSpool(path: string): Promise<SpoolRecord[]> {
  const buf = await readFile(path);
  const { records, validBytes } = decodeRecords(buf);
  if (validBytes < buf.length) await truncate(path, validBytes);
  return records;
}

/** An open spool file being appended to. */
export interface SpoolFile {
  readonly path: string;
  /** Readings appended so far. */
  readonly readings: number;
  /** When the first record was appended (ms), or undefined while empty. */
  readonly since: number | undefined;
  /** Appends one record; with `sync`, waits for the disk (fdatasync) too. */
  append(record: Buffer, readings: number, now: number): Promise<void>;
  close(): Promise<void>;
}

/** Creates a new spool file at `path` (it must not exist). */
export async function createSpoolFile(path: string, sync: boolean): Promise<SpoolFile> {
  const fh: FileHandle = await open(path, 'wx');
  let readings = 0;
  let since: number | undefined;
  let position = 0;
  return {
    path,
    get readings() {
      return readings;
    },
    get since() {
      return since;
    },
    async append(record, n, now) {
      let done = 0;
      while (done < record.length) {
        const { bytesWritten } = await fh.write(record, done, record.length - done, position + done);
        done += bytesWritten;
      }
      if (sync) await fh.datasync();
      position += record.length;
      readings += n;
      since ??= now;
    },
    close: () => fh.close(),
  };
}
