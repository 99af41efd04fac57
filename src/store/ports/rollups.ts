import type { RollupPeriod, Threshold } from '../../domain/types.ts';

/** A time range of one channel with new readings (UTC ms, both ends inclusive), as from `readings.peekChanges`. */
export interface ChangedRange {
  channelId: string;
  from: number;
  to: number;
}

/** What one recompute did. */
export interface RecomputeResult {
  /** Channels whose rollups were rebuilt. */
  channels: number;
  /** Local days (channel x day) rebuilt. */
  days: number;
  /** Hourly rows written. */
  hourRows: number;
  /** Daily rows written. */
  dayRows: number;
  /** Of `channels`, those read from the store's minute rows instead of raw readings (full runs). */
  fromMinutes?: number;
}

/** Levels at which rollups are served. */
export const ROLLUP_LEVELS = ['channel', 'meter', 'facility', 'zip'] as const;
/** A serving level: one channel, a meter (mains, else sum of its channels), a facility, a zip code. */
export type RollupLevel = (typeof ROLLUP_LEVELS)[number];

/** Filters of {@link RollupRepo.listRollups}; every given field must match. */
export interface RollupQuery {
  level: RollupLevel;
  period: RollupPeriod;
  /** Bucket start at or after, UTC ms. */
  from?: number;
  /** Bucket start before, UTC ms. */
  to?: number;
  orgId?: string;
  facilityId?: string;
  /** Any of these facilities (one query for many, e.g. scoring). */
  facilityIds?: string[];
  meterId?: string;
  channelId?: string;
  zip?: string;
  /** Channel level only: true for mains (home history), false for appliance channels. */
  mains?: boolean;
  /** Maximum rows (default 10,000). */
  limit?: number;
}

/** One served rollup row. */
export interface RollupRow {
  level: RollupLevel;
  /** Id of the channel, meter or facility, or the zip code. */
  key: string;
  /** Channel name or appliance (channel level); null above. */
  name: string | null;
  period: RollupPeriod;
  /** Bucket start, UTC ms. */
  start: number;
  /** Local `YYYY-MM-DD` or `YYYY-MM-DDTHH`. */
  label: string;
  /** Wh for electricity, else the channel's volume unit. */
  unit: string;
  energy: number;
  /** Time-weighted mean power in W (null when not electric or nothing covered). */
  meanPower: number | null;
  minPower: number | null;
  maxPower: number | null;
  samples: number;
  /** Channel level: covered fraction; above: the mean of the summed channels' coverages. */
  coverage: number;
  /** Channels summed into this row. */
  channels: number;
}

/** Filters of {@link RollupRepo.exportRollups}. */
export interface RollupExport {
  period: RollupPeriod;
  format: 'csv' | 'parquet';
  /** File to write (overwritten). */
  path: string;
  from?: number;
  to?: number;
  channelIds?: string[];
}

/** The partial result files (Parquet) of a sharded batch run, to replace the stored results with. */
/** A kind of partial file a shard task writes: rollups, thresholds or threshold sketches. */
export type PartialKind = 'hour' | 'day' | 'thresholds' | 'sketchDays' | 'sketchBuckets';

export interface PartialFiles {
  /** Hourly rollups per channel (columns of `rollups_hour` with `channel_id` for the key). */
  hour: string[];
  /** Daily rollups per channel. */
  day: string[];
  /** Thresholds per channel and name. */
  thresholds: string[];
  /** Threshold sketches per channel and UTC day: the day rows (counts, first and last time). */
  sketchDays: string[];
  /** Threshold sketches per channel and UTC day: the bucket rows. */
  sketchBuckets: string[];
  /** Names of the thresholds the files hold (these are replaced; other names stay). */
  thresholdNames: string[];
}

/** Rows written by {@link RollupRepo.replaceFromPartials}. */
export interface PartialsResult {
  hourRows: number;
  dayRows: number;
  thresholds: number;
}

/** Batch-layer results: hourly/daily rollups per channel, serving queries and percentile thresholds. */
export interface RollupRepo {
  /**
   * Rebuilds hourly and daily rollups. `all` recomputes everything; otherwise each changed range is
   * widened by the channel's maximum gap (the neighbour sample) and to whole local days of the
   * facility's time zone, and only those days are deleted and recomputed, in one transaction.
   */
  recompute(scope: 'all' | ChangedRange[]): Promise<RecomputeResult>;
  /**
   * Recomputes percentile thresholds (`p<percentile>`) over each channel's whole history of power or
   * interval values (registers have none), from its sketch per UTC day (within 0.5 % of the exact
   * percentile). With `channelIds`, only those channels; also refreshes the other percentile
   * thresholds already stored for them. With `changes`, only the sketches of the UTC days they touch
   * are rebuilt from raw readings (the incremental batch); without, every day with raw readings of the
   * channels in scope (a day whose raw readings retention moved into the lake keeps its sketch).
   * Returns how many thresholds were written.
   */
  computeThresholds(opts: {
    percentile: number;
    channelIds?: string[];
    changes?: ChangedRange[];
    now: number;
  }): Promise<number>;
  /**
   * Replaces every hourly and daily rollup, every threshold sketch, and the thresholds of the names
   * given, with the rows of a sharded batch run's partial files, in one transaction: readers see all
   * old rows or all new ones.
   */
  replaceFromPartials(files: PartialFiles): Promise<PartialsResult>;
  /** Names and percentiles of the stored thresholds (`p97` and any other percentile asked for once). */
  thresholdPercentiles(): Promise<{ name: string; percentile: number }[]>;
  /** Thresholds with this name (default `p97`), ordered by channel. */
  getThresholds(name?: string): Promise<Threshold[]>;
  /** Served rollups at one level, ordered by key and start. */
  listRollups(query: RollupQuery): Promise<RollupRow[]>;
  /**
   * Writes channel-level rollups (with channel, meter, facility ids) to CSV or Parquet; returns rows
   * written. The bucket's `start` is a time as in {@link ExportRequest} (ISO 8601 or TIMESTAMP).
   */
  exportRollups(req: RollupExport): Promise<number>;
}
