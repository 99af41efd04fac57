/**
 * Hourly grid-intensity profiles: grams of CO2 per kWh drawn from a region's grid, per local hour of
 * the day, for every month or for one month. A CSV the user provides:
 *
 *     region,month,hour,g_per_kwh
 *     NYISO,*,0,182
 *     NYISO,7,18,298        # July 18:00-19:00 overrides the all-months row
 *
 * `#` starts a comment; blank lines are skipped. Errors name the file, line and field.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.ts';
import type { IntensityRow } from '../store/ports/tariffs.ts';

export type { IntensityRow };

const HEADER = ['region', 'month', 'hour', 'g_per_kwh'];

/** Parses a grid-intensity CSV. */
export function parseIntensityCsv(text: string, file: string): IntensityRow[] {
  const rows: IntensityRow[] = [];
  const seen = new Set<string>();
  let header = false;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    const where = (field?: string) => ({ file, line: i + 1, ...(field ? { field } : {}) });
    if (!line) return;
    const cells = line.split(',').map((c) => c.trim());
    if (!header) {
      if (cells.join(',').toLowerCase() !== HEADER.join(','))
        throw new InputError(`expected the header ${HEADER.join(',')}`, where());
      header = true;
      return;
    }
    if (cells.length !== 4) throw new InputError(`expected 4 cells, found ${cells.length}`, where());
    const [region = '', m = '', h = '', g = ''] = cells;
    if (!region) throw new InputError('expected a region name', where('region'));
    const month = m === '*' || m === '' ? 0 : Number(m);
    if (!Number.isInteger(month) || month < 0 || month > 12)
      throw new InputError(`expected a month 1-12 or *, found '${m}'`, where('month'));
    const hour = Number(h);
    if (h === '' || !Number.isInteger(hour) || hour < 0 || hour > 23)
      throw new InputError(`expected a local hour 0-23, found '${h}'`, where('hour'));
    const gPerKwh = Number(g);
    if (g === '' || !Number.isFinite(gPerKwh) || gPerKwh < 0)
      throw new InputError(`expected grams of CO2 per kWh (0 or more), found '${g}'`, where('g_per_kwh'));
    const key = `${region}|${month}|${hour}`;
    if (seen.has(key))
      throw new InputError(`${region} month ${m || '*'} hour ${hour} is given twice`, where());
    seen.add(key);
    rows.push({ region, month, hour, gPerKwh });
  });
  if (!header) throw new InputError(`empty: expected the header ${HEADER.join(',')}`, { file });
  return rows;
}

/** Reads a grid-intensity CSV file. */
export async function readIntensityFile(path: string): Promise<IntensityRow[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new InputError('cannot read the grid-intensity file', { file: path }, { cause });
  }
  return parseIntensityCsv(text, path);
}

/** Looks up g/kWh of a region at a local month and hour: the month's own row, else the every-month row. */
export type IntensityLookup = (region: string, month: number, hour: number) => number | undefined;

/** A lookup over profile rows. */
export function intensityLookup(rows: readonly IntensityRow[]): IntensityLookup {
  const map = new Map<string, number>();
  for (const r of rows) map.set(`${r.region}|${r.month}|${r.hour}`, r.gPerKwh);
  return (region, month, hour) => map.get(`${region}|${month}|${hour}`) ?? map.get(`${region}|0|${hour}`);
}
