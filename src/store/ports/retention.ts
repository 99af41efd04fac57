import type { ReadingBatch } from '../../domain/types.ts';
import { InputError } from '../../errors.ts';

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

/**
 * Retention settings per organisation and the store side of a retention run: raw readings of an
 * organisation read and deleted by whole time slices, minute aggregates deleted before a time.
 */
export interface RetentionRepo {
  /** The organisation's retention (the defaults when none was set). */
  get(orgId: string): Promise<RetentionState>;
  /** Every organisation's retention, ordered by organisation id. */
  list(): Promise<RetentionState[]>;
  /** Sets the organisation's settings (checked: see {@link checkRetentionSettings}). */
  set(orgId: string, settings: RetentionSettings): Promise<RetentionState>;
  /** Raises `lakeBefore` to `before` (never lowers it): from now on readers consult the lake below it. */
  markLakeBefore(orgId: string, before: number): Promise<void>;
  /** Records a finished run and raises `minutesBefore`. */
  recordRun(orgId: string, run: RetentionRunRecord, minutesBefore: number): Promise<void>;
  /** The earliest raw reading's time of the organisation in the store, or undefined when it has none. */
  oldestRaw(orgId: string): Promise<number | undefined>;
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

/** Checks settings; throws InputError naming the field and what it expects. */
export function checkRetentionSettings(s: RetentionSettings): RetentionSettings {
  for (const field of ['rawDays', 'minuteDays'] as const) {
    const v = s[field];
    if (!Number.isInteger(v) || v < 1 || v > MAX_RETENTION_DAYS)
      throw new InputError(
        `${field} must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}, got ${v}`,
        {
          field,
        },
      );
  }
  return { rawDays: s.rawDays, minuteDays: s.minuteDays };
}

/** A state from a stored row (`org_id, raw_days, minute_days, lake_before, minutes_before, last_run`). */
export function retentionStateOf(orgId: string, row: Record<string, unknown> | undefined): RetentionState {
  if (!row) return { orgId, ...RETENTION_DEFAULTS, lakeBefore: null, minutesBefore: null, lastRun: null };
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const last = row['last_run'];
  return {
    orgId,
    rawDays: Number(row['raw_days']),
    minuteDays: Number(row['minute_days']),
    lakeBefore: num(row['lake_before']),
    minutesBefore: num(row['minutes_before']),
    lastRun:
      last === null || last === undefined
        ? null
        : (JSON.parse(typeof last === 'string' ? last : JSON.stringify(last)) as RetentionRunRecord),
  };
}

/** An empty columnar batch. */
export function emptyBatch(): ReadingBatch {
  return {
    channelIds: [],
    channel: new Int32Array(0),
    ts: new Float64Array(0),
    value: new Float64Array(0),
    quality: new Uint8Array(0),
    length: 0,
  };
}
