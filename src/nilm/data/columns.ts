/**
 * Column-oriented CSV loading shared by the REDD and AMPds loaders: a header names the columns, one
 * column is time, and each other column maps to `mains`, a canonical appliance, or nothing.
 */
import { InputError } from '../../errors.ts';
import type { HouseSeries } from '../types.ts';
import { countMissing, createGrid } from './grid.ts';
import { readLines } from './lines.ts';

/** How to read one CSV file into a house. */
export interface ColumnSpec {
  file: string;
  /** Source column -> `mains` or canonical appliance name; columns mapping to one name are summed. */
  columns: Record<string, string>;
  /** Source time value -> UTC ms. */
  time: (raw: string) => number;
  /** Source value -> W (e.g. Wh per hour -> W). */
  scale: number;
  /** Name of the time column; the first column when absent. */
  timeColumn?: string;
  /** An empty cell is a missing value (NaN) instead of an error: a user's own logger files. */
  blankIsMissing?: boolean;
  from: number;
  to: number;
  periodMs: number;
  name: string;
}

/** Loads the file onto a grid; every value must be a number, or the error names file, line and column. */
export async function loadColumns(spec: ColumnSpec): Promise<HouseSeries> {
  const length = Math.floor((spec.to - spec.from) / spec.periodMs);
  let header: string[] | undefined;
  let targets: string[] = [];
  let sources: number[][] = [];
  let grid: ReturnType<typeof createGrid> | undefined;
  let lineNo = 0;
  let timeIndex = 0;
  for await (const line of readLines(spec.file)) {
    lineNo++;
    if (!header) {
      header = line.split(',').map((h) => h.trim().replace(/^"(.*)"$/, '$1'));
      targets = [...new Set(Object.values(spec.columns))];
      sources = targets.map((t) => header!.flatMap((h, i) => (spec.columns[h] === t ? [i] : [])));
      const absent = targets.filter((_, k) => sources[k]!.length === 0);
      if (absent.length)
        throw new InputError(`expected columns for ${absent.join(', ')}; header is '${line.slice(0, 120)}'`, {
          file: spec.file,
          line: 1,
        });
      timeIndex = spec.timeColumn === undefined ? 0 : header.indexOf(spec.timeColumn);
      if (timeIndex < 0)
        throw new InputError(
          `expected a time column '${spec.timeColumn}'; header is '${line.slice(0, 120)}'`,
          {
            file: spec.file,
            line: 1,
            field: spec.timeColumn,
          },
        );
      grid = createGrid(spec.from, spec.periodMs, length, targets.length);
      continue;
    }
    if (line === '') continue;
    const parts = line.split(',');
    const ts = spec.time(parts[timeIndex] ?? '');
    if (!Number.isFinite(ts))
      throw new InputError(`expected a timestamp, got '${parts[timeIndex] ?? ''}'`, {
        file: spec.file,
        line: lineNo,
        field: header[timeIndex],
      });
    if (ts < spec.from || ts >= spec.to) continue;
    const row = new Float64Array(targets.length);
    for (let k = 0; k < targets.length; k++) {
      let sum = 0;
      for (const c of sources[k]!) {
        const v = Number(parts[c]);
        if (spec.blankIsMissing && (parts[c] ?? '').trim() === '') {
          sum = NaN;
          break;
        }
        if (parts[c] === undefined || parts[c] === '' || !Number.isFinite(v))
          throw new InputError(`expected a number, got '${parts[c] ?? ''}'`, {
            file: spec.file,
            line: lineNo,
            field: header[c],
          });
        sum += v;
      }
      row[k] = sum * spec.scale;
    }
    grid!.add(ts, row);
  }
  if (!grid) throw new InputError('empty file, expected a header line', { file: spec.file });
  const cols = grid.finish();
  const appliances: Record<string, Float64Array> = {};
  let mains: Float64Array | undefined;
  targets.forEach((t, k) => {
    if (t === 'mains') mains = cols[k]!;
    else appliances[t] = cols[k]!;
  });
  if (!mains) throw new InputError('no mains column mapped', { file: spec.file });
  return {
    name: spec.name,
    t0: spec.from,
    periodMs: spec.periodMs,
    length,
    mains,
    appliances,
    missing: { slots: length, mainsMissing: countMissing(mains), zeroFilled: 0 },
  };
}
