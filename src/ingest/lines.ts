/**
 * Splits byte chunks into lines without decoding them: the callback gets the buffer and the byte
 * range of each line (without the line break or a trailing CR), so hot paths never build strings.
 *
 * A line that spans chunks is kept as a list of pieces and joined once, when its end arrives: joining
 * at every chunk made a 20 MB line cost 6.4 s and a 200 MB one more than 120 s (quadratic). A line
 * longer than {@link LineSplitter.maxLineBytes} is not kept at all: its bytes are skipped up to the
 * next line break and the line is reported to `onTooLong`, so memory stays bounded whatever the file.
 */
import { InputError } from '../errors.ts';

/** Called once per line; `line` is 1-based. */
export type LineHandler = (buf: Buffer, start: number, end: number, line: number) => void;

/** Called for a line longer than the limit (its bytes are skipped); `bytes` is its length. */
export type TooLongHandler = (line: number, bytes: number) => void;

/**
 * Default longest line, 1 MiB: a wide CSV with a thousand channels has lines of about 20 kB, so a
 * longer line is damage (a missing line break) or hostile input, not data.
 */
export const DEFAULT_MAX_LINE_BYTES = 1 << 20;

/** Incremental line splitter; keeps at most one partial line (of at most the limit) between chunks. */
export class LineSplitter {
  private parts: Buffer[] = [];
  private held = 0;
  /** True while the bytes of an over-long line are being skipped. */
  private skipping = false;
  /** Lines seen so far. */
  line = 0;
  /** True while the last line of the input, which had no line break, is being handled. */
  unterminated = false;
  /** Longest line handed to `onLine`, in bytes (without the line break). */
  maxLineBytes = DEFAULT_MAX_LINE_BYTES;

  /**
   * Feeds one chunk; calls `onLine` for every complete line in it and `onTooLong` for every line over
   * {@link maxLineBytes}. Without `onTooLong` an over-long line throws InputError.
   */
  push(chunk: Buffer, onLine: LineHandler, onTooLong: TooLongHandler = throwTooLong): void {
    let from = 0;
    if (this.held > 0 || this.skipping) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        this.hold(chunk, 0, chunk.length);
        return;
      }
      this.hold(chunk, 0, nl);
      this.flushHeld(onLine, onTooLong);
      from = nl + 1;
    }
    for (;;) {
      const nl = chunk.indexOf(10, from);
      if (nl < 0) break;
      if (nl - from > this.maxLineBytes) onTooLong(++this.line, nl - from);
      else this.emit(chunk, from, nl, onLine);
      from = nl + 1;
    }
    if (from < chunk.length) this.hold(chunk, from, chunk.length);
  }

  /**
   * Ends the input. A last line without a line break is still a line; while it is handled
   * {@link unterminated} is true, so that a format can call a bad last line truncated.
   */
  end(onLine: LineHandler, onTooLong: TooLongHandler = throwTooLong): void {
    if (this.held === 0 && !this.skipping) return;
    this.unterminated = true;
    try {
      this.flushHeld(onLine, onTooLong);
    } finally {
      this.unterminated = false;
    }
  }

  /** Keeps `buf[start, end)` as a piece of the current line, or skips it once the line is too long. */
  private hold(buf: Buffer, start: number, end: number): void {
    if (this.skipping) {
      this.held += end - start;
      return;
    }
    if (this.held + (end - start) > this.maxLineBytes) {
      this.skipping = true;
      this.parts = [];
      this.held += end - start;
      return;
    }
    // A copy: the piece must outlive the chunk, and a small copy does not pin a 1 MiB chunk.
    if (end > start) this.parts.push(Buffer.from(buf.subarray(start, end)));
    this.held += end - start;
  }

  private flushHeld(onLine: LineHandler, onTooLong: TooLongHandler): void {
    const bytes = this.held;
    const parts = this.parts;
    const skipped = this.skipping;
    this.parts = [];
    this.held = 0;
    this.skipping = false;
    if (skipped) {
      onTooLong(++this.line, bytes);
      return;
    }
    const whole = parts.length === 1 ? parts[0]! : Buffer.concat(parts, bytes);
    this.emit(whole, 0, whole.length, onLine);
  }

  private emit(buf: Buffer, start: number, end: number, onLine: LineHandler): void {
    this.line++;
    if (end > start && buf[end - 1] === 13) end--;
    onLine(buf, start, end, this.line);
  }
}

function throwTooLong(line: number, bytes: number): never {
  throw new InputError(`line ${line} is ${bytes} bytes long, over the longest line accepted`, { line });
}
