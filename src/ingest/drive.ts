/**
 * The loop shared by line-based formats: chunks from the source, split into lines, handed to the
 * format's line handler; between chunks the batch writer drains, progress is reported and
 * cancellation is checked. A damaged stream (truncated gzip) becomes a counted rejection at the
 * line where the data stopped, and a line over the length limit a `line-too-long` rejection naming it
 * (the first line, the header, is needed to read the rest: there it is an InputError).
 */
import { InputError } from '../errors.ts';
import { DEFAULT_MAX_LINE_BYTES, type LineHandler, LineSplitter, type TooLongHandler } from './lines.ts';
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
  const max = ctx.opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  splitter.maxLineBytes = max;
  const tooLong: TooLongHandler = (line, bytes) => {
    const message = `line ${line} is ${bytes} bytes long; the longest line accepted is ${max} bytes (a missing line break?)`;
    if (line === 1) throw new InputError(message, { file: ctx.file, line });
    ctx.rejects.reject(line, '', 'line-too-long', message, '');
  };
  // Where each line is, so that a reading refused after parsing (out of physical range) names it.
  const at = ctx.at;
  const handle: LineHandler = (buf, start, end, line) => {
    at.line = line;
    at.buf = buf;
    at.start = start;
    at.end = end;
    onLine(buf, start, end, line);
  };
  for await (const chunk of source.chunks()) {
    splitter.push(chunk, handle, tooLong);
    await ctx.out.drain();
    ctx.tick(source.bytesRead());
    ctx.signal?.throwIfAborted();
    if (ctx.full()) return splitter;
  }
  splitter.end(handle, tooLong);
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
