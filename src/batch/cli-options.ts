/** Parsing and validation of the batch commands' options; errors name the option and what it expects. */
import { InputError } from '../errors.ts';
import { ROLLUP_PERIODS, type RollupPeriod } from '../domain/types.ts';
import { ROLLUP_LEVELS, type RollupLevel } from '../store/ports/rollups.ts';
import { OUTPUT_FORMATS, type OutputFormat } from './format.ts';

/** A time option: whole milliseconds since the epoch, or an ISO-8601 date or date-time (UTC unless it says). */
export function parseTime(raw: string | undefined, option: string): number | undefined {
  if (raw === undefined) return undefined;
  if (/^-?\d+$/.test(raw)) return Number(raw);
  const t = Date.parse(raw);
  if (Number.isNaN(t))
    throw new InputError(`expected UTC milliseconds or an ISO-8601 date/time, got '${raw}'`, {
      field: option,
    });
  return t;
}

/** One of a fixed set of words. */
export function parseChoice<T extends string>(raw: string, choices: readonly T[], option: string): T {
  if ((choices as readonly string[]).includes(raw)) return raw as T;
  throw new InputError(`expected one of ${choices.join(', ')}, got '${raw}'`, { field: option });
}

/** `--percentile`: a number strictly between 0 and 100. */
export function parsePercentile(raw: string): number {
  const p = Number(raw);
  if (!Number.isFinite(p) || p <= 0 || p >= 100)
    throw new InputError(`expected a number between 0 and 100 (exclusive), got '${raw}'`, {
      field: '--percentile',
    });
  return p;
}

/** `--limit`: a positive whole number. */
export function parseLimit(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new InputError(`expected a positive whole number, got '${raw}'`, { field: '--limit' });
  return n;
}

/** Parsed `--period`. */
export const period = (raw: string): RollupPeriod => parseChoice(raw, ROLLUP_PERIODS, '--period');
/** Parsed `--by`. */
export const level = (raw: string): RollupLevel => parseChoice(raw, ROLLUP_LEVELS, '--by');
/** Parsed `--format` of query output. */
export const outputFormat = (raw: string): OutputFormat => parseChoice(raw, OUTPUT_FORMATS, '--format');
