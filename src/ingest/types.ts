/**
 * Shared types of the file importers: options, the summary an import returns, progress events and the
 * contract every format implements.
 */
import type { ImportFormat } from '../domain/imports.ts';
import type { FacilityKind, Measurement, Unit } from '../domain/types.ts';

export { IMPORT_FORMATS } from '../domain/imports.ts';
export type { ImportFormat, ImportSummary, Rejection, RejectionGroup, SkipGroup } from '../domain/imports.ts';

/** How timestamps are written in a CSV column. */
export const TS_FORMATS = ['auto', 'unix-s', 'unix-ms', 'iso', 'local'] as const;
/** A timestamp format (`--ts-format`). */
export type TsFormat = (typeof TS_FORMATS)[number];

/** Options of one import; every field is optional and a format preset fills in what fits it. */
export interface ImportOptions {
  /** File or (for REDD low_freq) directory to import. */
  path: string;
  /**
   * The file's name in rejections, errors, the summary and the default facility name, when `path` is
   * not what the user knows it by (a web upload saved to a temporary file); default `path`.
   */
  displayName?: string;
  /** Format; detected from the content when omitted. */
  format?: ImportFormat;
  /** Organisation id (created when missing); default `default`. */
  org?: string;
  /** Facility id; default derived from the file name (e.g. `refit-house2`, `ampds`). */
  facility?: string;
  facilityKind?: FacilityKind;
  zip?: string;
  /** IANA time zone of local timestamps and of the facility's calendar days. */
  tz?: string;
  /** Meter id (inside the facility) for formats without a meter column; default `main`. */
  meter?: string;
  tsCol?: string;
  valueCol?: string;
  channelCol?: string;
  meterCol?: string;
  unitCol?: string;
  tsFormat?: TsFormat;
  /** Unit of the values when the file does not say (W, kW, Wh, kWh, m3, ...). */
  unit?: string;
  measurement?: Measurement;
  /** Sampling interval (power) or interval length (interval energy), ms. */
  intervalMs?: number;
  /** Start time for files with relative seconds (REDD house 3): ISO-8601 or unix seconds. */
  start?: string;
  /** Folder for quarantine files (rejected rows as NDJSON); default `<state>/quarantine`. */
  quarantineDir?: string;
  /** Import only the first N data rows (a preview); default all. */
  limitRows?: number;
  /** Network sources: stop when the gateway closes the connection instead of reconnecting. */
  once?: boolean;
  /** Batch writes in flight at once; default 1 on DuckDB, 2 on PostgreSQL. */
  concurrency?: number;
  /** Readings per batch written to the store; default 100,000. */
  batchSize?: number;
  /** Longest text line accepted, bytes; a longer line is rejected as `line-too-long`. Default 1 MiB. */
  maxLineBytes?: number;
  /**
   * Time limit, ms, for a parsing worker (Green Button XML) over one chunk of the file; a worker that
   * takes longer is stopped and the import fails. Default 30 s.
   */
  parseTimeLimitMs?: number;
}

/** Progress of a running import. */
export interface ImportProgress {
  file: string;
  bytesRead: number;
  bytesTotal: number;
  rows: number;
  readings: number;
}

/** Callbacks and cancellation for {@link ImportOptions}. */
export interface ImportHooks {
  onProgress?: (p: ImportProgress) => void;
  signal?: AbortSignal;
  /** Connection changes of a network source (`tcp://` P1 gateway). */
  onStatus?: (status: 'connected' | 'disconnected', detail: string) => void;
}

/** A channel as a format declares it; the catalog fills in ids. */
export interface ChannelSpec {
  /** Meter name inside the facility. */
  meter: string;
  /** The meter's id when the format placed it itself (`CatalogBuilder.placeMeter`). */
  meterId?: string;
  /** Channel name inside the meter (its id part, as a slug). */
  name: string;
  /**
   * The readable name shown for the channel (`Hourly Electricity Consumption`), when the file gives
   * one; default the slug of `name`.
   */
  label?: string;
  isMains: boolean;
  appliance: string | null;
  measurement: Measurement;
  unit: Unit;
  intervalMs: number | null;
}
