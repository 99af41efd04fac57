/**
 * The loop shared by line-based formats: chunks from the source, split into lines, handed to the
 * format's line handler; between chunks the batch writer drains, progress is reported and
 * cancellation is checked. A damaged stream (truncated gzip) becomes a counted rejection at the
 * line where the data stopped.
 */
import { type LineHandler, LineSplitter } from './lines.ts';
import type { FormatContext } from './format.ts';
import type { ByteSource } from './source.ts';

/**
 * Streams `source` line by line through `onLine`. Pass your own `splitter` to read its
 * `unterminated` flag from inside `onLine`.
 */
export async function driveLines(
  ctx: FormatContext,
  source: ByteSource,
  onLine: LineHandler,
  splitter = new LineSplitter(),
): Promise<LineSplitter> {
  for await (const chunk of source.chunks()) {
    splitter.push(chunk, onLine);
    await ctx.out.drain();
    ctx.tick(source.bytesRead());
    ctx.signal?.throwIfAborted();
    if (ctx.full()) return splitter;
  }
  splitter.end(onLine);
  const err = source.error();
  if (err)
    ctx.rejects.reject(
      splitter.line + 1,
      '',
      'truncated',
      `${err}; the data after line ${splitter.line} is lost`,
      '',
    );
  await ctx.out.drain();
  ctx.tick(source.bytesRead());
  return splitter;
}
