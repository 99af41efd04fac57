/**
 * What an import reports, kept with the import records in the store and answered by the API: the file
 * formats, the summary and its rejection groups. The importers (src/ingest) produce them.
 */

/** File formats the importer understands. */
export const IMPORT_FORMATS = [
  'csv-long',
  'csv-wide',
  'refit',
  'ampds',
  'redd',
  'redd-relative',
  'redd-low-freq',
  'greenbutton',
  'utilityapi-csv',
  'utilityapi-json',
  'registrations',
  'parquet',
  'dsmr',
  'sml',
] as const;
/** A file format name (`--format`). */
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** One rejected row (or file-level problem), as written to the quarantine file. */
export interface Rejection {
  file: string;
  /** 1-based line number; 0 when the problem is not tied to a line. */
  line: number;
  field: string;
  reason: string;
  message: string;
  raw: string;
}

/** Counts per rejection reason, with the first few examples. */
export interface RejectionGroup {
  count: number;
  examples: Rejection[];
}

/** Rows skipped for one reason: how many, and why they are not readings. */
export interface SkipGroup {
  count: number;
  note: string;
}

/** What one import did. */
export interface ImportSummary {
  file: string;
  format: ImportFormat;
  /** Data rows (lines, XML interval readings, JSON readings) read. */
  rows: number;
  /** Readings that passed validation and were sent to the store. */
  readings: number;
  /** Readings newly stored. */
  stored: number;
  /** Readings already in the store (or repeated in the file) for the same channel and time. */
  duplicates: number;
  /** Rejected values (a wide row with two bad cells counts two). */
  rejected: number;
  byReason: Record<string, RejectionGroup>;
  /** Rows left out on purpose per reason (fill values of a data set), with why. */
  skipped?: Record<string, SkipGroup>;
  /** Quarantine NDJSON file, when something was rejected. */
  quarantine: string | null;
  /** Channel ids the import wrote to. */
  channels: string[];
  /**
   * Facility ids the import put meters in: one for most files, one per service address (or
   * registered facility) for utility files imported without a chosen facility. Absent from web
   * import records stored before it existed.
   */
  facilities?: string[];
  bytes: number;
  seconds: number;
}
