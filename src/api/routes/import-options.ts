/**
 * The import settings an upload takes (query parameters of `POST /imports`, fields of the web form),
 * turned into the importer's options; and the importer's messages, which name the CLI's flags
 * (`pass --unit`), rewritten to name the upload's settings instead, so that a web or API user is told
 * what they can change.
 */
import { FACILITY_KINDS, type FacilityKind, MEASUREMENTS, type Measurement } from '../../domain/types.ts';
import {
  IMPORT_FORMATS,
  type ImportFormat,
  type ImportOptions,
  TS_FORMATS,
  type TsFormat,
} from '../../ingest/types.ts';

/** Query parameters of an upload. */
export interface ImportQuery {
  filename: string;
  facility?: string;
  format?: ImportFormat;
  tz?: string;
  zip?: string;
  kind?: FacilityKind;
  unit?: string;
  measurement?: Measurement;
  interval?: number;
  tsCol?: string;
  tsFormat?: TsFormat;
  valueCol?: string;
  channelCol?: string;
  meterCol?: string;
  unitCol?: string;
  start?: string;
  wait?: boolean;
}

const text = (description: string, maxLength = 200) =>
  ({ type: 'string', minLength: 1, maxLength, description }) as const;

/** JSON schema of {@link ImportQuery}. */
export const importQuerySchema = {
  type: 'object',
  properties: {
    filename: text('original file name (format detection, default facility, names in rejections)', 255),
    facility: text(
      'facility id or name for everything in the file; default: a facility named after the file, and for utility files (UtilityAPI, registrations) the facility of each service',
    ),
    format: { type: 'string', enum: [...IMPORT_FORMATS], description: 'file format; detected when omitted' },
    tz: text('IANA time zone of local timestamps and of the facility (e.g. Europe/London)', 64),
    zip: text('facility zip code', 20),
    kind: { type: 'string', enum: [...FACILITY_KINDS], description: 'facility kind' },
    unit: text('unit of the values when the file does not say (W, kW, Wh, kWh, m3, L, ...)', 16),
    measurement: { type: 'string', enum: [...MEASUREMENTS], description: 'what the values are' },
    interval: {
      type: 'number',
      exclusiveMinimum: 0,
      maximum: 31 * 86_400,
      description: 'sampling or interval length, seconds',
    },
    tsCol: text('timestamp column', 100),
    tsFormat: { type: 'string', enum: [...TS_FORMATS], description: 'how timestamps are written' },
    valueCol: text('value column (long CSV)', 100),
    channelCol: text('channel column (long CSV)', 100),
    meterCol: text('meter column (long CSV)', 100),
    unitCol: text('unit column (long CSV)', 100),
    start: text('start time for files with relative seconds (ISO-8601 or unix seconds)', 64),
    wait: { type: 'boolean', default: false, description: 'answer when the import has finished' },
  },
  required: ['filename'],
  additionalProperties: false,
} as const;

/** The importer's options for an upload's settings (only those given). */
export function importOptionsOf(q: ImportQuery): Partial<ImportOptions> {
  const o: Partial<ImportOptions> = {};
  if (q.facility) o.facility = q.facility;
  if (q.format) o.format = q.format;
  if (q.tz) o.tz = q.tz;
  if (q.zip) o.zip = q.zip;
  if (q.kind) o.facilityKind = q.kind;
  if (q.unit) o.unit = q.unit;
  if (q.measurement) o.measurement = q.measurement;
  if (q.interval) o.intervalMs = Math.round(q.interval * 1000);
  if (q.tsCol) o.tsCol = q.tsCol;
  if (q.tsFormat) o.tsFormat = q.tsFormat;
  if (q.valueCol) o.valueCol = q.valueCol;
  if (q.channelCol) o.channelCol = q.channelCol;
  if (q.meterCol) o.meterCol = q.meterCol;
  if (q.unitCol) o.unitCol = q.unitCol;
  if (q.start) o.start = q.start;
  return o;
}

/** The upload setting (form label and query parameter) of each importer flag. */
const SETTINGS: Record<string, string> = {
  '--format': 'Format (format)',
  '--facility': 'Facility (facility)',
  '--facility-kind': 'Facility kind (kind)',
  '--zip': 'Zip code (zip)',
  '--tz': 'Time zone (tz)',
  '--unit': 'Unit (unit)',
  '--measurement': 'Measurement (measurement)',
  '--interval': 'Interval (interval, seconds)',
  '--ts-col': 'Timestamp column (tsCol)',
  '--ts-format': 'Timestamp format (tsFormat)',
  '--value-col': 'Value column (valueCol)',
  '--channel-col': 'Channel column (channelCol)',
  '--meter-col': 'Meter column (meterCol)',
  '--unit-col': 'Unit column (unitCol)',
  '--start': 'Start time (start)',
  '--*-col': 'column settings (tsCol, valueCol, channelCol, meterCol, unitCol)',
};

/**
 * Rewrites an importer message for an upload: `pass --unit (W, kW)` becomes `set Unit (unit) (W, kW)`,
 * every flag the upload takes is named by its setting, and the temporary path by the file's name.
 */
export function messageForUpload(message: string, tempPath: string, filename: string): string {
  const named = message.replaceAll(tempPath, filename);
  return named
    .replace(/\b(pass|use|name it with the matching) (--[a-z*-]+)( option)?/g, (_m, _verb, flag: string) =>
      SETTINGS[flag] ? `set ${SETTINGS[flag]}` : _m,
    )
    .replace(/(^|[\s(])(--[a-z*-]+)\b/g, (m, pre: string, flag: string) =>
      SETTINGS[flag] ? `${pre}${SETTINGS[flag]}` : m,
    );
}
