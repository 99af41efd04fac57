/**
 * The import settings an upload takes (query parameters of `POST /imports` and fields of the web form,
 * declared in src/api/shapes/imports.ts), turned into the importer's options; and the importer's
 * messages, which name the CLI's flags (`pass --unit`), rewritten to name the upload's settings
 * instead, so that a web or API user is told what they can change.
 */
import type { ImportOptions } from '../../ingest/types.ts';
import type { ImportQuery } from '../shapes/imports.ts';

/** The importer's options for an upload's settings (only those given). */
export function importOptionsOf(q: Omit<ImportQuery, 'wait'>): Partial<ImportOptions> {
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
