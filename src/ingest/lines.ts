/**
 * Splits byte chunks into lines without decoding them: the callback gets the buffer and the byte
 * range of each line (without the line break or a trailing CR), so hot paths never build strings.
 */

/** Called once per line; `line` is 1-based. */
export type LineHandler = (buf: Buffer, start: number, end: number, line: number) => void;

/** Incremental line splitter; keeps at most one partial line between chunks. */
export class LineSplitter {
  private rest: Buffer | null = null;
  /** Lines seen so far. */
  line = 0;
  /** True while the last line of the input, which had no line break, is being handled. */
  unterminated = false;

  /** Feeds one chunk; calls `onLine` for every complete line in it. */
  push(chunk: Buffer, onLine: LineHandler): void {
    const buf = chunk;
    let from = 0;
    if (this.rest) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        this.rest = Buffer.concat([this.rest, chunk]);
        return;
      }
      const first = Buffer.concat([this.rest, chunk.subarray(0, nl)]);
      this.rest = null;
      this.emit(first, 0, first.length, onLine);
      from = nl + 1;
    }
    for (;;) {
      const nl = buf.indexOf(10, from);
      if (nl < 0) break;
      this.emit(buf, from, nl, onLine);
      from = nl + 1;
    }
    if (from < buf.length) this.rest = Buffer.from(buf.subarray(from));
  }

  /**
   * Ends the input. A last line without a line break is still a line; while it is handled
   * {@link unterminated} is true, so that a format can call a bad last line truncated.
   */
  end(onLine: LineHandler): void {
    const rest = this.rest;
    this.rest = null;
    if (!rest || rest.length === 0) return;
    this.unterminated = true;
    this.emit(rest, 0, rest.length, onLine);
    this.unterminated = false;
  }

  private emit(buf: Buffer, start: number, end: number, onLine: LineHandler): void {
    this.line++;
    if (end > start && buf[end - 1] === 13) end--;
    onLine(buf, start, end, this.line);
  }
}
