import type { ReadingBatch } from '../../domain/types.ts';
import type { ReadingExtent } from './readings.ts';

/** How long an organisation's data stays in the serving store; hour and day rollups stay for ever. */
export interface RetentionSettings {
  /** Days raw readings stay in the store; older ones live only in the lake. */
  rawDays: number;
  /** Days per-minute aggregates (min, max, sum, count) stay in the store. */
  minuteDays: number;
}

/**
 * Defaults: raw readings 35 days (a month and its comparison week); minute aggregates 400 days, so a
 * chart of the last year (plus a month to compare with) still downsamples from minute rows instead
 * of reading raw readings back from the lake. At one reading per channel per minute a minute row costs
 * as much as a raw reading; at 1 s sampling it is 60x smaller.
 */
export const RETENTION_DEFAULTS: Readonly<RetentionSettings> = Object.freeze({
  rawDays: 35,
  minuteDays: 400,
});

/** Longest retention one can set, days (about 100 years): beyond it is "for ever". */
export const MAX_RETENTION_DAYS = 36_500;

/** What the last retention run of an organisation did. */
export interface RetentionRunRecord {
  /** When it finished, UTC ms. */
  at: number;
  /** Raw readings copied into the lake because the lake did not have them (imports, backfills). */
  copied: number;
  /** Raw readings deleted from the store (each verified in the lake first). */
  deleted: number;
  /** Minute rows deleted from the store. */
  minutesDeleted: number;
  /** UTC days left in the store because they changed while the run moved them (the next run takes them). */
  skippedDays: number;
}

/** An organisation's retention: its settings and where the store's raw readings now begin. */
export interface RetentionState extends RetentionSettings {
  orgId: string;
  /**
   * Below this time (UTC ms) raw readings may be in the lake only: readers read the lake and the
   * store there. Null before the first retention run.
   */
  lakeBefore: number | null;
  /** Below this time (UTC ms) the minute aggregates are deleted; null before the first run. */
  minutesBefore: number | null;
  /** The last run, or null. */
  lastRun: RetentionRunRecord | null;
}

/** Where a channel's raw readings in the store begin and end (UTC ms, inclusive). */
export interface HeldExtent extends ReadingExtent {
  channelId: string;
  orgId: string;
}

/**
 * Retention settings per organisation and the store side of a retention run: raw readings of an
 * organisation read and deleted by whole time slices, minute aggregates deleted before a time.
 */
export interface RetentionRepo {
  /** The organisation's retention (the defaults when none was set). */
  get(orgId: string): Promise<RetentionState>;
  /** Every organisation's retention, ordered by organisation id. */
  list(): Promise<RetentionState[]>;
  /**
   * Sets the organisation's settings; InputError naming the field unless each is a whole number of
   * days from 1 to {@link MAX_RETENTION_DAYS}.
   */
  set(orgId: string, settings: RetentionSettings): Promise<RetentionState>;
  /** Raises `lakeBefore` to `before` (never lowers it): from now on readers consult the lake below it. */
  markLakeBefore(orgId: string, before: number): Promise<void>;
  /** Records a finished run and raises `minutesBefore`. */
  recordRun(orgId: string, run: RetentionRunRecord, minutesBefore: number): Promise<void>;
  /** The earliest raw reading's time of the organisation in the store, or undefined when it has none. */
  oldestRaw(orgId: string): Promise<number | undefined>;
  /**
   * Every channel with raw readings in the store: its organisation and the first and last of those
   * readings' times (UTC ms, inclusive), ordered by channel id. One scan of the readings.
   */
  heldExtents(): Promise<HeldExtent[]>;
  /** The organisation's raw readings in [from, to), ordered by channel id and time. */
  rawSlice(orgId: string, from: number, to: number): Promise<ReadingBatch>;
  /**
   * Deletes the organisation's raw readings in [from, to) in one transaction, only when exactly
   * `expected` are there (else nothing: something was written meanwhile); returns whether it did.
   */
  dropRaw(orgId: string, from: number, to: number, expected: number): Promise<boolean>;
  /** Deletes the organisation's minute aggregates of minutes before `before`; returns the rows deleted. */
  dropMinutes(orgId: string, before: number): Promise<number>;
}
