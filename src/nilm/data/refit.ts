/**
 * REFIT loader (whichdevice preparation): monthly gzipped CSVs `REFIT_House<N>_YYYY-MM.csv.gz` with
 * `Time,Aggregate,Kettle,Dishwasher,WashingMachine,Microwave` in W on a 30 s grid of UK local time. The
 * source fills missing data with zeros: a row whose mains are 0 is treated as missing, never as 0 W.
 * A `Unix` column (UTC seconds, as in the original REFIT release) places rows when present; without
 * it, rows at a local time that does not exist (the hour clocks skip in spring, which the prepared
 * files fill) are left out, so they never mix with the real readings of the hour after.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { applianceKey } from '../../domain/appliances.ts';
import { InputError } from '../../errors.ts';
import type { HouseSeries } from '../types.ts';
import { countMissing, createGrid } from './grid.ts';
import { readLines } from './lines.ts';
import { LocalTimeConverter } from '../../util/time/index.ts';

/** `mains` for the aggregate, else the appliance key (`WashingMachine` -> `washing_machine`). */
const columnKey = (h: string): string => (h === 'Aggregate' ? 'mains' : applianceKey(h));

/** Value columns start after `Time` and, in the original release, `Unix`. */
const firstValue = (header: string[]): number => (header[1] === 'Unix' ? 2 : 1);

/** Which part of REFIT to load. */
export interface RefitQuery {
  dataDir: string;
  house: number;
  /** UTC ms, inclusive. */
  from: number;
  /** UTC ms, exclusive. */
  to: number;
  periodMs: number;
}

/** Monthly file names covering [from, to). */
function monthFiles(dir: string, house: number, from: number, to: number): string[] {
  const out: string[] = [];
  const d = new Date(from);
  let y = d.getUTCFullYear();
  let m = d.getUTCMonth();
  // One month earlier too: the first hours of a UTC month can sit in the previous local month file.
  m -= 1;
  if (m < 0) {
    m = 11;
    y -= 1;
  }
  while (Date.UTC(y, m, 1) < to) {
    out.push(join(dir, `REFIT_House${house}_${y}-${String(m + 1).padStart(2, '0')}.csv.gz`));
    m += 1;
    if (m > 11) {
      m = 0;
      y += 1;
    }
  }
  return out.filter((f) => existsSync(f));
}

/** Parses `YYYY-MM-DD HH:MM:SS` as wall-clock ms (as if UTC), or NaN. */
function parseWallClock(s: string): number {
  if (s.length < 19) return NaN;
  return Date.UTC(
    +s.slice(0, 4),
    +s.slice(5, 7) - 1,
    +s.slice(8, 10),
    +s.slice(11, 13),
    +s.slice(14, 16),
    +s.slice(17, 19),
  );
}

/** Loads one REFIT house over [from, to) onto a grid of `periodMs`. */
export async function loadRefit(q: RefitQuery): Promise<HouseSeries> {
  const dir = join(q.dataDir, 'refit');
  const files = monthFiles(dir, q.house, q.from, q.to);
  if (files.length === 0)
    throw new InputError(
      `no REFIT files for house ${q.house} between ${new Date(q.from).toISOString()} and ${new Date(q.to).toISOString()}`,
      { file: dir },
    );
  const length = Math.floor((q.to - q.from) / q.periodMs);
  let names: string[] | undefined;
  let grid: ReturnType<typeof createGrid> | undefined;
  let zeroFilled = 0;
  const london = new LocalTimeConverter('Europe/London');
  for (const file of files) {
    let lineNo = 0;
    let header: string[] | undefined;
    for await (const line of readLines(file)) {
      lineNo++;
      if (!header) {
        header = line.split(',');
        if (header[0] !== 'Time' || header.length < 2)
          throw new InputError(
            `expected a header starting with 'Time,Aggregate', got '${line.slice(0, 60)}'`,
            { file, line: lineNo },
          );
        const first = firstValue(header);
        const mapped = header.slice(first).map(columnKey);
        if (mapped[0] !== 'mains')
          throw new InputError(`expected 'Aggregate' after 'Time' (and 'Unix'), got '${header[first]}'`, {
            file,
            line: lineNo,
            field: header[first],
          });
        if (names && names.join() !== mapped.join())
          throw new InputError(`columns differ from the previous month's file (${names.join(',')})`, {
            file,
            line: lineNo,
          });
        names = mapped;
        grid ??= createGrid(q.from, q.periodMs, length, names.length);
        continue;
      }
      if (line === '') continue;
      const parts = line.split(',');
      const first = firstValue(header);
      const ts = first === 2 ? Number(parts[1]) * 1000 : london.toUtc(parseWallClock(parts[0]!));
      if (first === 2 && !Number.isFinite(ts))
        throw new InputError(`expected unix seconds, got '${parts[1]}'`, {
          file,
          line: lineNo,
          field: 'Unix',
        });
      if (first === 1 && Number.isNaN(parseWallClock(parts[0]!)))
        throw new InputError(`expected a time 'YYYY-MM-DD HH:MM:SS', got '${parts[0]}'`, {
          file,
          line: lineNo,
          field: 'Time',
        });
      // NaN here is a local time that does not exist: the spring-forward hour the file fills.
      if (Number.isNaN(ts) || ts < q.from || ts >= q.to) continue;
      const values = new Float64Array(names!.length);
      for (let c = 0; c < values.length; c++) {
        const v = Number(parts[c + first]);
        if (!Number.isFinite(v))
          throw new InputError(`expected a number in W, got '${parts[c + first]}'`, {
            file,
            line: lineNo,
            field: header[c + first],
          });
        values[c] = v;
      }
      // The source zero-fills gaps: zero mains means no measurement, for every column of the row.
      if (values[0] === 0) {
        zeroFilled++;
        continue;
      }
      grid!.add(ts, values);
    }
  }
  const cols = grid!.finish();
  const mains = cols[0]!;
  const appliances: Record<string, Float64Array> = {};
  names!.slice(1).forEach((n, i) => (appliances[n] = cols[i + 1]!));
  // Scale the zero-filled count from source rows to grid slots.
  const srcPerSlot = Math.max(1, q.periodMs / 30_000);
  return {
    name: `refit:${q.house} ${new Date(q.from).toISOString().slice(0, 10)}..${new Date(q.to).toISOString().slice(0, 10)}`,
    t0: q.from,
    periodMs: q.periodMs,
    length,
    mains,
    appliances,
    missing: {
      slots: length,
      mainsMissing: countMissing(mains),
      zeroFilled: Math.round(zeroFilled / srcPerSlot),
    },
  };
}
