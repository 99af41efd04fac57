/** A buffered text file writer with back-pressure, and fast UTC ISO-8601 formatting. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { ExternalError } from '../../errors.ts';

/** Appends text to a file, buffering up to ~1 MB between writes. */
export interface TextFile {
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

/** Opens (truncating) a text file. */
export function openTextFile(path: string): TextFile {
  const stream = createWriteStream(path);
  let failure: Error | undefined;
  stream.on('error', (err) => (failure = err));
  let parts: string[] = [];
  let size = 0;
  const flush = async (): Promise<void> => {
    if (failure)
      throw new ExternalError('filesystem', `writing ${path} failed: ${failure.message}`, { cause: failure });
    if (!parts.length) return;
    const text = parts.join('');
    parts = [];
    size = 0;
    if (!stream.write(text)) await once(stream, 'drain');
  };
  return {
    async write(text) {
      parts.push(text);
      size += text.length;
      if (size >= 1 << 20) await flush();
    },
    async close() {
      await flush();
      stream.end();
      await once(stream, 'finish');
      if (failure)
        throw new ExternalError('filesystem', `writing ${path} failed: ${failure.message}`, {
          cause: failure,
        });
    },
  };
}

const DAY = 86_400_000;
const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/** Formats UTC ms as `2024-01-01T00:05:00.000Z`. */
export type IsoFormatter = (t: number) => string;

/** A fast ISO-8601 formatter that caches the date part of the last day it saw. */
export function createIsoUtc(): IsoFormatter {
  let cachedDay = NaN;
  let cachedPrefix = '';
  return (t) => {
    const day = Math.floor(t / DAY);
    if (day !== cachedDay) {
      cachedDay = day;
      cachedPrefix = new Date(day * DAY).toISOString().slice(0, 11);
    }
    let r = t - day * DAY;
    const h = Math.floor(r / 3_600_000);
    r -= h * 3_600_000;
    const m = Math.floor(r / 60_000);
    r -= m * 60_000;
    const s = Math.floor(r / 1000);
    const ms = r - s * 1000;
    return `${cachedPrefix}${two(h)}:${two(m)}:${two(s)}.${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
  };
}

/** `2024-01-01T00:05:00.000Z` for a UTC ms timestamp (for occasional use; hot loops use createIsoUtc). */
export function isoUtc(t: number): string {
  return new Date(t).toISOString();
}
