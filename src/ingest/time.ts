/**
 * Timestamps: ISO-8601 / `YYYY-MM-DD HH:MM:SS` parsing from bytes. Local times (no zone suffix) go to
 * UTC through the time module's {@link LocalTimeConverter}, which holds the rules for skipped and
 * repeated local times.
 */
import type { LocalTimeConverter } from '../util/time/index.ts';

/** Earliest accepted timestamp (1970-01-01) and the first rejected one (2100-01-01), UTC ms. */
export const TS_MIN = 0;
/** See {@link TS_MIN}. */
export const TS_MAX = 4102444800000;

/** Why a timestamp text could not be parsed. */
export type TsProblem = 'bad-timestamp' | 'timestamp-out-of-range' | 'local-time-nonexistent';

/**
 * Parses `YYYY-MM-DD[T| ]HH:MM[:SS[.fff]][Z|±HH[:MM]]` (also a bare date) from bytes. Without a zone
 * suffix the time is local to `converter` (UTC when null). Returns UTC ms, or NaN with
 * {@link problem} set.
 */
export class IsoParser {
  /** Why the last parse returned NaN. */
  problem: TsProblem = 'bad-timestamp';
  /** The last valid date seen (packed year, month, day) and the UTC ms of its start. */
  private lastDate = -1;
  private lastDay = 0;

  constructor(private readonly converter: LocalTimeConverter | null) {}

  /** Parses `buf[start, end)`. */
  parse(buf: Uint8Array, start: number, end: number): number {
    while (start < end && (buf[start] === 32 || buf[start] === 34)) start++;
    while (end > start && (buf[end - 1] === 32 || buf[end - 1] === 34)) end--;
    this.problem = 'bad-timestamp';
    let i = start;
    // Module-level digit reader, not a closure: a closure per call was a tenth of a long-CSV import's
    // garbage (issue 12).
    const year = digits(buf, i, end, 4);
    i += 4;
    if (buf[i] !== 45 && buf[i] !== 47) return NaN;
    i++;
    const month = digits(buf, i, end, 2);
    i += 2;
    if (buf[i] !== 45 && buf[i] !== 47) return NaN;
    i++;
    const day = digits(buf, i, end, 2);
    i += 2;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let ms = 0;
    if (i < end && (buf[i] === 84 || buf[i] === 32)) {
      i++;
      hour = digits(buf, i, end, 2);
      i += 2;
      if (buf[i] !== 58) return NaN;
      i++;
      minute = digits(buf, i, end, 2);
      i += 2;
      if (i < end && buf[i] === 58) {
        i++;
        second = digits(buf, i, end, 2);
        i += 2;
        if (i < end && (buf[i] === 46 || buf[i] === 44)) {
          i++;
          let scale = 100;
          while (i < end && buf[i]! >= 48 && buf[i]! <= 57) {
            ms += (buf[i]! - 48) * scale;
            scale /= 10;
            i++;
          }
        }
      }
    }
    if (Number.isNaN(year + month + day + hour + minute + second)) return NaN;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) return NaN;
    // The start of the day, once per distinct date (files hold many readings of one day): Date.UTC
    // and the month-length check below are the costly part of a timestamp.
    const date = (year * 16 + month) * 32 + day;
    if (date !== this.lastDate) {
      // Date.UTC rolls 2024-02-30 over to March 1: a day past the month's end is a bad date, not a later one.
      if (day > 28 && day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return NaN;
      this.lastDay = Date.UTC(year, month - 1, day);
      this.lastDate = date;
    }
    // Date.UTC's own arithmetic: hour 24 and second 60 roll over into the next day and minute.
    const wall = this.lastDay + hour * 3_600_000 + minute * 60_000 + second * 1000 + Math.round(ms);
    let ts: number;
    if (i === end) {
      if (this.converter) {
        ts = this.converter.toUtc(wall);
        if (Number.isNaN(ts)) {
          this.problem = 'local-time-nonexistent';
          return NaN;
        }
      } else ts = wall;
    } else if (buf[i] === 90 && i + 1 === end) {
      ts = wall;
    } else if (buf[i] === 43 || buf[i] === 45) {
      const sign = buf[i] === 45 ? -1 : 1;
      i++;
      const oh = digits(buf, i, end, 2);
      i += 2;
      if (i < end && buf[i] === 58) i++;
      const om = i < end ? digits(buf, i, end, 2) : 0;
      if (i < end) i += 2;
      if (i !== end || Number.isNaN(oh + om)) return NaN;
      ts = wall - sign * (oh * 3_600_000 + om * 60_000);
    } else return NaN;
    if (!(ts >= TS_MIN && ts < TS_MAX)) {
      this.problem = 'timestamp-out-of-range';
      return NaN;
    }
    return ts;
  }
}

/** The `n` decimal digits at `buf[i..]` (not past `end`) as a number, or NaN. */
function digits(buf: Uint8Array, i: number, end: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    if (i + k >= end) return NaN;
    const c = buf[i + k]!;
    if (c < 48 || c > 57) return NaN;
    v = v * 10 + c - 48;
  }
  return v;
}

/** Parses an ISO-8601 string (with or without zone) or unix seconds into UTC ms; NaN when invalid. */
export function parseInstant(text: string, converter: LocalTimeConverter | null = null): number {
  const t = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const buf = Buffer.from(t, 'latin1');
  return new IsoParser(converter).parse(buf, 0, buf.length);
}
