/**
 * File imports as the API takes and answers them (`/api/v1/imports`): the settings of an upload (query
 * parameters of `POST /imports`, fields of the web form) and an import's record with its progress and
 * the importer's summary. The record and summary are checked against the store's and the importer's
 * types at compile time.
 */
import { z } from 'zod';
import { FACILITY_KINDS, MEASUREMENTS } from '../../domain/types.ts';
import { IMPORT_FORMATS, type ImportSummary, TS_FORMATS } from '../../ingest/types.ts';
import { IMPORT_STATES, type ImportRecord as StoredImport } from '../../store/ports/imports.ts';
import { type Assert, type Same, flag, id } from './common.ts';

const text = (description: string, maxLength = 200) => z.string().min(1).max(maxLength).describe(description);

/** Query of `POST /imports`: the file's name and how to read it; the body is the file. */
export const importQuery = z.object({
  filename: text('original file name (format detection, default facility, names in rejections)', 255),
  facility: text(
    'facility id or name for everything in the file; default: a facility named after the file, and for utility files (UtilityAPI, registrations) the facility of each service',
  ).optional(),
  format: z.enum(IMPORT_FORMATS).optional().describe('file format; detected when omitted'),
  tz: text('IANA time zone of local timestamps and of the facility (e.g. Europe/London)', 64).optional(),
  zip: text('facility zip code', 20).optional(),
  kind: z.enum(FACILITY_KINDS).optional().describe('facility kind'),
  unit: text('unit of the values when the file does not say (W, kW, Wh, kWh, m3, L, ...)', 16).optional(),
  measurement: z.enum(MEASUREMENTS).optional().describe('what the values are'),
  interval: z.coerce
    .number()
    .positive()
    .max(31 * 86_400)
    .optional()
    .describe('sampling or interval length, seconds'),
  tsCol: text('timestamp column', 100).optional(),
  tsFormat: z.enum(TS_FORMATS).optional().describe('how timestamps are written'),
  valueCol: text('value column (long CSV)', 100).optional(),
  channelCol: text('channel column (long CSV)', 100).optional(),
  meterCol: text('meter column (long CSV)', 100).optional(),
  unitCol: text('unit column (long CSV)', 100).optional(),
  start: text('start time for files with relative seconds (ISO-8601 or unix seconds)', 64).optional(),
  wait: flag('answer when the import has finished').default(false),
});
/** An upload's settings, checked. */
export type ImportQuery = z.output<typeof importQuery>;

const rejection = z.object({
  file: z.string(),
  line: z.number().describe('1-based line number; 0 when the problem is not tied to a line'),
  field: z.string(),
  reason: z.string(),
  message: z.string(),
  raw: z.string(),
});

/** What an import did (the importer's summary without server paths). */
export const importSummary = z.object({
  format: z.enum(IMPORT_FORMATS),
  rows: z.number(),
  readings: z.number(),
  stored: z.number(),
  duplicates: z.number(),
  rejected: z.number(),
  byReason: z.record(z.string(), z.object({ count: z.number(), examples: rejection.array() })),
  skipped: z.record(z.string(), z.object({ count: z.number(), note: z.string() })).optional(),
  channels: z.array(z.string()),
  facilities: z
    .array(z.string())
    .optional()
    .describe('facilities the import put meters in (absent from records stored before it existed)'),
  bytes: z.number(),
  seconds: z.number(),
});
/** `importSummary` is the importer's, less its file paths. */
export type SummaryChecked = Assert<
  Same<z.infer<typeof importSummary>, Omit<ImportSummary, 'file' | 'quarantine'>>
>;

/** An upload's state (`POST /imports`, `GET /imports/:importId`). */
export const importRecord = z.object({
  id: z.string(),
  orgId: z.string(),
  filename: z.string(),
  facilityId: z.string(),
  state: z.enum(IMPORT_STATES),
  startedAt: z.number(),
  endedAt: z.number().nullable(),
  progress: z.object({
    bytesRead: z.number(),
    bytesTotal: z.number(),
    rows: z.number(),
    readings: z.number(),
  }),
  summary: importSummary.nullable(),
  error: z.object({ error: z.string(), message: z.string() }).nullable(),
});
/** An import as the API shows it. */
export type ImportRecord = z.infer<typeof importRecord>;
/** `ImportRecord` is the store's, less the heartbeat. */
export type ImportChecked = Assert<Same<ImportRecord, Omit<StoredImport, 'heartbeatAt'>>>;

/** Path of one import. */
export const importParams = z.object({ importId: id });
