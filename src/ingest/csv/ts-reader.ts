/**
 * Timestamp columns: unix seconds or milliseconds, ISO-8601 / local date-times, or seconds relative
 * to a start time. `auto` looks at the first valid value: digits mean unix time (milliseconds from
 * 1e11 up), anything else an ISO / local date-time.
 */
import { parseNumber } from '../numbers.ts';
import type { LocalTimeConverter } from '../../util/time/index.ts';
import { IsoParser, TS_MAX, TS_MIN, type TsProblem } from '../time.ts';
import type { TsFormat } from '../types.ts';

/** Parses a timestamp field; NaN with `problem` set when it is not valid. */
export interface TsReader {
  problem: TsProblem;
  parse(buf: Uint8Array, start: number, end: number): number;
}

class UnixReader implements TsReader {
  problem: TsProblem = 'bad-timestamp';
  constructor(
    private readonly scale: number,
    private readonly offset = 0,
  ) {}
  parse(buf: Uint8Array, start: number, end: number): number {
    const v = parseNumber(buf, start, end);
    if (!Number.isFinite(v)) {
      this.problem = 'bad-timestamp';
      return NaN;
    }
    const ts = Math.round(this.offset + v * this.scale);
    if (!(ts >= TS_MIN && ts < TS_MAX)) {
      this.problem = 'timestamp-out-of-range';
      return NaN;
    }
    return ts;
  }
}

class AutoReader implements TsReader {
  problem: TsProblem = 'bad-timestamp';
  private inner: TsReader | null = null;
  constructor(private readonly converter: LocalTimeConverter | null) {}
  parse(buf: Uint8Array, start: number, end: number): number {
    let deciding = false;
    if (!this.inner) {
      deciding = true;
      const v = parseNumber(buf, start, end);
      if (Number.isFinite(v)) this.inner = new UnixReader(Math.abs(v) >= 1e11 ? 1 : 1000);
      else this.inner = new IsoParser(this.converter);
    }
    const ts = this.inner.parse(buf, start, end);
    this.problem = this.inner.problem;
    // A bad first value decides nothing: the next value gets to choose.
    if (deciding && Number.isNaN(ts)) this.inner = null;
    return ts;
  }
}

/**
 * A reader for `format`. `converter` interprets date-times without a zone suffix (UTC when null);
 * `relativeStart` (UTC ms) makes the column seconds from that start.
 */
export function createTsReader(
  format: TsFormat,
  converter: LocalTimeConverter | null,
  relativeStart?: number,
): TsReader {
  if (relativeStart !== undefined) return new UnixReader(1000, relativeStart);
  switch (format) {
    case 'unix-s':
      return new UnixReader(1000);
    case 'unix-ms':
      return new UnixReader(1);
    case 'iso':
    case 'local':
      return new IsoParser(converter);
    default:
      return new AutoReader(converter);
  }
}
