/**
 * Wide CSV: one timestamp column and one value column per channel (REFIT, AMPds, REDD exports). The
 * header names the channels; a layout function (the generic one or a dataset preset) maps it to
 * catalog channels. Every bad cell is one counted rejection; the row's good cells still land.
 */
import { InputError } from '../../errors.ts';
import { driveLines } from '../drive.ts';
import { LineSplitter } from '../lines.ts';
import type { FormatContext } from '../format.ts';
import { numberProblem, OUT_OF_RANGE, overflowMessage, parseNumber } from '../numbers.ts';
import type { ByteSource } from '../source.ts';
import { parseInstant } from '../time.ts';
import { type Delimiter, FieldSplitter, splitText } from './fields.ts';
import type { TsReader } from './ts-reader.ts';

/** One value column of a wide file. */
export interface WideColumn {
  index: number;
  name: string;
  /** Catalog channel index. */
  channel: number;
  /** Multiplier to the stored unit (1000 for kW -> W). */
  factor: number;
}

/** How to read a wide file, decided from its header. */
export interface WideLayout {
  tsIndex: number;
  tsName: string;
  ts: TsReader;
  columns: WideColumn[];
  /**
   * A data set that writes 0 in every column where it has no measurement (REFIT): a row whose value in
   * column `index` is exactly 0 is skipped and counted under `zero-filled`, never stored as 0 W.
   */
  zeroFill?: { index: number; note: string };
  /**
   * When set, a row at a local time that does not exist (the hour clocks skip) is skipped with this
   * note instead of rejected: for data sets known to fill that hour rather than measure it.
   */
  nonexistentNote?: string;
}

/** Turns a header into a layout; throws InputError when the header does not fit. */
export type WideLayoutFn = (header: string[], ctx: FormatContext) => WideLayout;

/**
 * Reads a wide CSV (or blank-separated) file through `layoutOf`. `headerless` is the column count of
 * files without a header line; `layoutOf` then gets an empty header.
 */
export async function runWide(
  ctx: FormatContext,
  source: ByteSource,
  layoutOf: WideLayoutFn,
  delimiter: Delimiter = 44,
  headerless?: number,
): Promise<void> {
  const f = new FieldSplitter(delimiter);
  let layout: WideLayout | null = headerless === undefined ? null : layoutOf([], ctx);
  let width = headerless ?? 0;
  const { rejects, out } = ctx;
  const splitter = new LineSplitter();
  const raw = (buf: Buffer, s: number, e: number): string => buf.toString('utf8', s, e);
  await driveLines(
    ctx,
    source,
    (buf, s, e, line) => {
      if (!layout) {
        if (e === s) return;
        const header = splitText(buf, s, e, delimiter);
        refuseDataAsHeader(ctx, header, line, raw(buf, s, e));
        layout = layoutOf(header, ctx);
        width = header.length;
        return;
      }
      if (e === s) return;
      if (ctx.full()) return;
      ctx.rows++;
      const n = f.split(buf, s, e);
      if (n !== width) {
        rejects.columnCount(line, n, width, splitter.unterminated, raw(buf, s, e));
        return;
      }
      const zf = layout.zeroFill;
      if (zf && parseNumber(buf, f.starts[zf.index]!, f.ends[zf.index]!) === 0) {
        rejects.skip('zero-filled', zf.note);
        return;
      }
      const ts = layout.ts.parse(buf, f.starts[layout.tsIndex]!, f.ends[layout.tsIndex]!);
      if (Number.isNaN(ts) && layout.nonexistentNote && layout.ts.problem === 'local-time-nonexistent') {
        rejects.skip('local-time-nonexistent', layout.nonexistentNote);
        return;
      }
      if (Number.isNaN(ts)) {
        const text = raw(buf, f.starts[layout.tsIndex]!, f.ends[layout.tsIndex]!);
        rejects.reject(
          line,
          layout.tsName,
          layout.ts.problem,
          `cannot use timestamp '${text}' (${layout.ts.problem})`,
          raw(buf, s, e),
        );
        return;
      }
      const cols = layout.columns;
      for (let k = 0; k < cols.length; k++) {
        const c = cols[k]!;
        const v = parseNumber(buf, f.starts[c.index]!, f.ends[c.index]!);
        const scaled = v * c.factor;
        if (Number.isFinite(scaled)) out.push(c.channel, ts, scaled);
        else if (Number.isFinite(v))
          rejects.reject(line, c.name, OUT_OF_RANGE, overflowMessage(v, String(c.factor)), raw(buf, s, e));
        else {
          const text = raw(buf, f.starts[c.index]!, f.ends[c.index]!);
          const why = numberProblem(text);
          rejects.reject(line, c.name, why, `expected a finite number, found '${text}'`, raw(buf, s, e));
        }
      }
    },
    splitter,
  );
  if (!layout) throw new InputError('the file is empty (no header line)', { file: ctx.file, line: 1 });
}

/**
 * A first line whose every field is a number or a time is a data row, not a header: read as one, the
 * row was lost and its values became channel names. Refused, since only the user knows the names.
 */
function refuseDataAsHeader(ctx: FormatContext, header: string[], line: number, text: string): void {
  const fields = header.filter((h) => h !== '');
  const isData = (h: string): boolean => Number.isFinite(Number(h)) || Number.isFinite(parseInstant(h));
  if (fields.length === 0 || !fields.every(isData)) return;
  throw new InputError(
    `the first line '${text.slice(0, 120)}' is data, not a header (every field is a number or a time); ` +
      "a wide CSV needs a header line naming the timestamp column and each channel, e.g. 'timestamp,mains,kettle': add one and import again",
    { file: ctx.file, line },
  );
}

/** Index of the column named `name` (case-insensitive), or -1. */
export function findColumn(header: string[], name: string): number {
  const n = name.toLowerCase();
  return header.findIndex((h) => h.toLowerCase() === n);
}
