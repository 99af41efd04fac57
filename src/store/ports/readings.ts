import type { Reading, ReadingBatch } from '../../domain/types.ts';

/** What one idempotent write did. */
export interface WriteResult {
  /** Readings newly stored. */
  inserted: number;
  /** Readings whose (channel, timestamp) was already stored, or repeated inside the batch; they change nothing. */
  duplicates: number;
}

/** A time range of one channel that received new readings and is not acknowledged yet (see {@link ReadingChangeLog}). */
export interface ReadingChange {
  channelId: string;
  /** Earliest new timestamp, UTC ms (inclusive). */
  from: number;
  /** Latest new timestamp, UTC ms (inclusive). */
  to: number;
}

/** Where a channel's readings are: its first and last timestamps (UTC ms, inclusive). */
export interface ReadingExtent {
  from: number;
  to: number;
}

/** One channel's readings in columnar form, ordered by time. */
export interface ReadingColumns {
  ts: Float64Array;
  value: Float64Array;
}

/**
 * Per-bucket statistics for charts. Only buckets holding at least one reading are returned, in time
 * order; `ts` is the bucket's start (UTC ms).
 */
export interface Downsampled {
  ts: Float64Array;
  min: Float64Array;
  max: Float64Array;
  mean: Float64Array;
  count: Uint32Array;
}

/** Formats {@link ReadingRepo.exportReadings} can write. */
export const EXPORT_FORMATS = ['csv', 'parquet'] as const;
/** An export format. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * What to export: columns `channel_id, time, value, quality`, ordered by channel and time. `time` is
 * ISO 8601 in UTC with milliseconds in CSV (`2024-01-15T05:00:00.000Z`) and a TIMESTAMP adjusted to
 * UTC (microseconds) in Parquet, so that spreadsheets and data frames read it as a time.
 * Omitted filters mean all channels / all time; `to` is exclusive.
 */
export interface ExportRequest {
  channelIds?: string[];
  from?: number;
  to?: number;
  format: ExportFormat;
  /** File to write (overwritten). */
  path: string;
}

declare const changeTokenBrand: unique symbol;
/**
 * Opaque: names exactly the change-log entries one {@link ReadingChangeLog.peekChanges} returned. A
 * string, so that it can be logged or stored; only {@link changeToken} makes one.
 */
export type ChangeToken = string & { readonly [changeTokenBrand]: true };

/** What {@link ReadingChangeLog.peekChanges} returns: the pending changes and the token that acknowledges them. */
export interface PeekedChanges {
  /** Merged per channel where they overlap, ordered by channel and time. */
  changes: ReadingChange[];
  /** Pass to {@link ReadingChangeLog.ackChanges} once the changes are processed for good. */
  token: ChangeToken;
}

/**
 * The log of time ranges that received new readings, read in two steps so that a consumer that fails
 * half way loses nothing: peek, process, then acknowledge what was peeked.
 */
export interface ReadingChangeLog {
  /**
   * The pending changes and a token naming exactly the log entries returned. Reads only: until they
   * are acknowledged, every later peek returns them again (with whatever was recorded since).
   */
  peekChanges(): Promise<PeekedChanges>;
  /**
   * Forgets the log entries the peek that made `token` returned, and nothing else: changes recorded
   * after that peek stay pending, also those whose write had started before it and committed after.
   * Acknowledging entries that are gone already (a second ack, a concurrent consumer) does nothing.
   * Throws InputError for a token no peek made.
   */
  ackChanges(token: ChangeToken): Promise<void>;
}

/** Raw readings, idempotent on (channel, timestamp), and the log of their changes. */
export interface ReadingRepo extends ReadingChangeLog {
  /**
   * Stores a batch atomically: either every new reading of the batch lands or none does. Readings
   * already stored for the same (channel, timestamp) are counted as duplicates and left unchanged;
   * inside one batch the first occurrence of a (channel, timestamp) wins and the others count as
   * duplicates. The time range of the new readings per channel is recorded in the same transaction
   * (see {@link peekChanges}). Throws InputError naming the channel when a channel id is unknown, or
   * the reading when a timestamp is not a whole number, a value is not finite or a quality is not 0-3;
   * nothing is stored then.
   */
  write(batch: ReadingBatch): Promise<WriteResult>;
  /** Readings of one channel in [from, to), ordered by time. */
  read(channelId: string, from: number, to: number): Promise<Reading[]>;
  /** Timestamps and values of one channel in [from, to), ordered by time, as typed arrays. */
  readColumns(channelId: string, from: number, to: number): Promise<ReadingColumns>;
  /**
   * Min, max, mean and count of one channel's values in [from, to) cut into `buckets` equal time
   * buckets, computed by the database (a year of 1 s data into 1,000 buckets reads no rows into JS).
   */
  downsample(channelId: string, from: number, to: number, buckets: number): Promise<Downsampled>;
  /** Number of stored readings, optionally of one channel (0 for an unknown channel). */
  count(channelId?: string): Promise<number>;
  /**
   * The first and last stored timestamps of one channel (both inclusive, UTC ms), or undefined for a
   * channel without readings or unknown: where its data is, so that views open on it (an imported
   * history from last year) instead of on an empty last day.
   */
  extent(channelId: string): Promise<ReadingExtent | undefined>;
  /** Writes readings to a CSV (with a header) or Parquet file; returns the number of readings written. */
  exportReadings(req: ExportRequest): Promise<number>;
}
