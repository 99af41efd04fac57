/**
 * Rejected rows: counted per reason with the first examples kept for the summary, and every one
 * appended to a quarantine NDJSON file (opened on the first rejection) so that nothing is lost silently.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { basename, join } from 'node:path';
import type { Rejection, RejectionGroup, SkipGroup } from './types.ts';

const EXAMPLES = 5;
const RAW_MAX = 500;

/** Collects rejections of one import. */
export class RejectLog {
  readonly byReason: Record<string, RejectionGroup> = {};
  count = 0;
  /** Rows left out on purpose (a data set's fill values), counted per reason; not quarantined. */
  readonly skipped: Record<string, SkipGroup> = {};
  private out: WriteStream | null = null;
  /** Path of the quarantine file once something was rejected. */
  path: string | null = null;

  /** `dir` is the quarantine folder; `file` the imported file (names the quarantine file). */
  constructor(
    private readonly dir: string,
    private readonly file: string,
    private readonly now: () => number = Date.now,
  ) {
    this.current = file;
  }

  /** File named in rejections from now on (formats that read several files, e.g. REDD low_freq). */
  current: string;

  /**
   * Counts one row left out on purpose: not an error and not a reading, such as the zeros a data set
   * writes where it has no measurement. `note` says why, once per reason, in the summary.
   */
  skip(reason: string, note: string): void {
    const group = (this.skipped[reason] ??= { count: 0, note });
    group.count++;
  }

  /**
   * Rejects a CSV row with `found` fields where the header has `expected`: `truncated` when it is the
   * last line of a stream that stops mid-line (`cut`), else `wrong-column-count`.
   */
  columnCount(line: number, found: number, expected: number, cut: boolean, raw: string): void {
    this.reject(
      line,
      '',
      cut ? 'truncated' : 'wrong-column-count',
      cut
        ? `last line is cut off: ${found} of ${expected} columns`
        : `expected ${expected} columns, found ${found}`,
      raw,
    );
  }

  /** Records one rejection. */
  reject(line: number, field: string, reason: string, message: string, raw: string): void {
    const r: Rejection = {
      file: this.current,
      line,
      field,
      reason,
      message,
      raw: raw.length > RAW_MAX ? raw.slice(0, RAW_MAX) + '...' : raw,
    };
    this.count++;
    const group = (this.byReason[reason] ??= { count: 0, examples: [] });
    group.count++;
    if (group.examples.length < EXAMPLES) group.examples.push(r);
    if (!this.out) {
      mkdirSync(this.dir, { recursive: true });
      const stamp = new Date(this.now()).toISOString().replace(/[:.]/g, '-');
      this.path = join(this.dir, `${stamp}-${basename(this.file)}.ndjson`);
      this.out = createWriteStream(this.path, { flags: 'a' });
    }
    this.out.write(JSON.stringify(r) + '\n');
  }

  /** Flushes and closes the quarantine file. */
  async close(): Promise<void> {
    const out = this.out;
    this.out = null;
    if (out)
      await new Promise<void>((resolve, reject) =>
        out.end((err?: Error | null) => (err ? reject(err) : resolve())),
      );
  }
}
