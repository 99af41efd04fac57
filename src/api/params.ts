/**
 * Time parameters as every route reads them (declared with their bounds by `time` in
 * src/api/shapes/common.ts, read here where the facility's zone and the defaults are known). Every
 * route takes times the same way (ISO 8601 as the ingest takes them, or UTC milliseconds) within the
 * same years the ingest accepts, so that a value the database cannot hold (`from=-1e308`) is a 400
 * naming the field rather than a failed query.
 */
import { InputError } from '../errors.ts';
import { IsoParser, TS_MAX, TS_MIN } from '../ingest/time.ts';
import { LocalTimeConverter } from '../util/time/index.ts';

const DAY_MS = 86_400_000;

/** How the API says what a time may be, in docs, the OpenAPI document and error messages. */
export const TIME_FORMATS =
  'an ISO 8601 date or time (2024-03-01, 2024-03-01T06:00:00Z, 2024-03-01T07:00:00+01:00) or UTC milliseconds (1709272800000), from 1970-01-01 to before 2100-01-01';

const converters = new Map<string, LocalTimeConverter>();

/**
 * A time parameter in UTC ms. `timeZone` reads dates and times without an offset (default UTC); a
 * local time skipped by a daylight-saving change is refused rather than moved.
 */
export function parseTime(value: string | number, field: string, timeZone = 'UTC'): number {
  const text = String(value).trim();
  if (/^-?\d{1,20}$/.test(text)) {
    const ms = Number(text);
    if (ms >= TS_MIN && ms < TS_MAX) return ms;
    throw new InputError(`${text} is out of range: expected ${TIME_FORMATS}`, { field });
  }
  let converter: LocalTimeConverter | null = null;
  if (timeZone !== 'UTC') {
    converter = converters.get(timeZone) ?? new LocalTimeConverter(timeZone);
    if (converters.size < 1000) converters.set(timeZone, converter);
  }
  const parser = new IsoParser(converter);
  const buf = Buffer.from(text, 'latin1');
  const ms = text.length > 0 && text.length <= 40 ? parser.parse(buf, 0, buf.length) : NaN;
  if (Number.isFinite(ms)) return ms;
  const why =
    parser.problem === 'timestamp-out-of-range'
      ? 'is out of range'
      : parser.problem === 'local-time-nonexistent'
        ? `does not exist in ${timeZone} (skipped by a daylight-saving change)`
        : 'is not a time';
  throw new InputError(`'${text.slice(0, 40)}' ${why}: expected ${TIME_FORMATS}`, { field });
}

/** Options of {@link parseTimeRange}. */
export interface RangeOptions {
  /** Zone of dates and times without an offset; default UTC. */
  timeZone?: string;
  /** Longest span allowed, in days. */
  maxDays?: number;
  /** Field names in messages; default `from` and `to`. */
  fields?: readonly [string, string];
  /** Used when `to` is not given. */
  defaultTo?: () => number;
  /** Used when `from` is not given, from the resolved `to`. */
  defaultFrom?: (to: number) => number;
}

/** A `[from, to)` range from parameters, checked: both times valid, `to` after `from`, within `maxDays`. */
export function parseTimeRange(
  q: { from?: string | number | undefined; to?: string | number | undefined },
  opts: RangeOptions = {},
): { from: number; to: number } {
  const [fromField, toField] = opts.fields ?? ['from', 'to'];
  const resolve = (v: string | number | undefined, field: string, dflt: (() => number) | undefined) => {
    if (v !== undefined && v !== '') return parseTime(v, field, opts.timeZone);
    if (dflt) return dflt();
    throw new InputError(`required: ${TIME_FORMATS}`, { field });
  };
  const to = resolve(q.to, toField, opts.defaultTo);
  const from = resolve(q.from, fromField, opts.defaultFrom && (() => opts.defaultFrom!(to)));
  if (to <= from)
    throw new InputError(
      `'${toField}' (${new Date(to).toISOString()}) must be after '${fromField}' (${new Date(from).toISOString()})`,
      { field: toField },
    );
  if (opts.maxDays !== undefined && to - from > opts.maxDays * DAY_MS)
    throw new InputError(`the range may span at most ${opts.maxDays} days`, { field: toField });
  return { from, to };
}
