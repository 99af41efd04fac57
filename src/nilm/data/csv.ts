/**
 * A user's own sub-metered house as a CSV: one time column, one or more mains columns and appliance
 * columns at any rate (regular or not), named in the experiment by path and column mapping. Columns
 * mapped to one name are summed (two mains legs, a two-phase appliance); values are scaled to W.
 */
import { existsSync } from 'node:fs';
import { InputError } from '../../errors.ts';
import { parseInstant } from '../../ingest/time.ts';
import { LocalTimeConverter } from '../../util/time/index.ts';
import type { HouseSeries } from '../types.ts';
import { loadColumns } from './columns.ts';

/** How the time column is written. */
export const CSV_TIME_FORMATS = ['auto', 'unix-s', 'unix-ms', 'iso'] as const;

/** One CSV house as an experiment names it. */
export interface CsvHouse {
  path: string;
  /** Time column name and format; `zone` reads date-times without an offset as local time there. */
  time: { column: string; format: (typeof CSV_TIME_FORMATS)[number]; zone?: string | undefined };
  /** Mains column(s); several are summed. */
  mains: string | string[];
  /** Appliance name -> column(s). Names are already canonical (`washing_machine`). */
  appliances: Record<string, string | string[]>;
  /** Multiplier from the file's unit to W (1000 for kW). */
  scale: number;
  from: number;
  to: number;
}

/** Time parser for the column: unix seconds or ms, ISO-8601, or `auto` (digits = unix s, or ms from 1e11). */
function timeParser(t: CsvHouse['time']): (raw: string) => number {
  const conv = t.zone ? new LocalTimeConverter(t.zone) : null;
  switch (t.format) {
    case 'unix-s':
      return (raw) => Number(raw) * 1000;
    case 'unix-ms':
      return (raw) => Number(raw);
    case 'iso':
      return (raw) => (/^-?\d+(\.\d+)?$/.test(raw.trim()) ? NaN : parseInstant(raw, conv));
    case 'auto':
      return (raw) => {
        const s = raw.trim();
        if (/^\d+(\.\d+)?$/.test(s)) return Number(s) >= 1e11 ? Number(s) : Number(s) * 1000;
        return parseInstant(s, conv);
      };
  }
}

/** Loads the house over [from, to) onto a grid of `periodMs`; errors name the file, line and column. */
export async function loadCsvHouse(h: CsvHouse, periodMs: number): Promise<HouseSeries> {
  if (!existsSync(h.path)) throw new InputError('no such file', { file: h.path, field: 'path' });
  if (h.time.zone) {
    try {
      new LocalTimeConverter(h.time.zone);
    } catch {
      throw new InputError(
        `unknown time zone '${h.time.zone}'; expected an IANA name such as Europe/Berlin`,
        {
          file: h.path,
          field: 'time.zone',
        },
      );
    }
  }
  const columns: Record<string, string> = {};
  const map = (col: string, to: string): void => {
    if (columns[col] !== undefined && columns[col] !== to)
      throw new InputError(`column '${col}' is mapped to both '${columns[col]}' and '${to}'`, {
        file: h.path,
        field: col,
      });
    columns[col] = to;
  };
  for (const c of [h.mains].flat()) map(c, 'mains');
  for (const [name, cols] of Object.entries(h.appliances)) for (const c of [cols].flat()) map(c, name);
  return loadColumns({
    file: h.path,
    columns,
    time: timeParser(h.time),
    timeColumn: h.time.column,
    blankIsMissing: true,
    scale: h.scale,
    from: h.from,
    to: h.to,
    periodMs,
    name: `csv:${h.path.split('/').pop()} ${new Date(h.from).toISOString().slice(0, 10)}..${new Date(h.to).toISOString().slice(0, 10)}`,
  });
}
