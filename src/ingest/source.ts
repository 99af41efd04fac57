/**
 * Byte sources: a file read in chunks, gunzipped on the fly when its first bytes are the gzip magic
 * number. A truncated or corrupt gzip stream ends the iteration early and records why, so that the
 * readings decoded before the damage still land.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';

/** A file opened for streaming. */
export interface ByteSource {
  readonly path: string;
  /** File size on disk (compressed size for .gz). */
  readonly size: number;
  readonly gzip: boolean;
  /** Bytes of the file consumed so far (compressed bytes for .gz), for progress. */
  bytesRead(): number;
  /** Decoded chunks; ends early (without throwing) when the stream is damaged, see {@link error}. */
  chunks(): AsyncIterable<Buffer>;
  /** Why the stream ended early (truncated gzip, read error), or null. */
  error(): string | null;
}

/** Reads the first bytes of a file. */
export async function readHead(path: string, n: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** True when `head` starts with the gzip magic number 1f 8b. */
export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** Opens `path` as a {@link ByteSource}. */
export async function openSource(path: string, signal?: AbortSignal): Promise<ByteSource> {
  const size = (await stat(path)).size;
  const gzip = isGzip(await readHead(path, 2));
  let read = 0;
  let failure: string | null = null;
  return {
    path,
    size,
    gzip,
    bytesRead: () => read,
    error: () => failure,
    async *chunks() {
      // Small reads for gzip keep the compressed-bytes progress close to what was decoded.
      const raw = createReadStream(path, { highWaterMark: gzip ? 1 << 16 : 1 << 20, signal });
      raw.on('data', (c) => {
        read += c.length;
      });
      const stream = gzip ? raw.pipe(createGunzip({ chunkSize: 1 << 18 })) : raw;
      if (gzip) raw.on('error', (e) => stream.destroy(e));
      try {
        for await (const chunk of stream as AsyncIterable<Buffer>) yield chunk;
      } catch (err) {
        if (signal?.aborted) throw err;
        const msg = err instanceof Error ? err.message : String(err);
        failure = gzip ? `gzip stream damaged or truncated (${msg})` : `read failed (${msg})`;
      } finally {
        raw.destroy();
        if (gzip) stream.destroy();
      }
    },
  };
}
