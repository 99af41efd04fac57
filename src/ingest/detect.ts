/**
 * Format detection from the first bytes of a file (or a directory's contents) when `--format` is not
 * given: XML is Green Button, JSON is UtilityAPI, and CSV headers are matched against the known data
 * sets (and seed 002's registrations) before falling back to generic long (has channel and value columns) or wide CSV.
 */
import { stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { splitText } from './csv/fields.ts';
import { isRegistrationsHeader } from './formats/registrations.ts';
import { openSource } from './source.ts';
import type { ImportFormat } from './types.ts';

/** Column names accepted for the channel and value of a long CSV. */
export const LONG_CHANNEL_COLS = ['channel', 'channel_id', 'channel_name', 'circuit', 'sensor'];
/** See {@link LONG_CHANNEL_COLS}. */
export const LONG_VALUE_COLS = ['value', 'reading', 'power', 'energy'];

/** Detects the format of `path`; throws InputError when nothing fits. */
export async function detectFormat(path: string): Promise<ImportFormat> {
  const st = await stat(path);
  if (st.isDirectory()) {
    if (existsSync(join(path, 'labels.dat'))) return 'redd-low-freq';
    if (existsSync(join(path, 'channels.parquet'))) return 'parquet';
    throw new InputError(
      'a directory can only be imported as a REDD low_freq house (with labels.dat) or a Parquet folder (with channels.parquet)',
      { file: path },
    );
  }
  if (/\.parquet$/i.test(path))
    throw new InputError(
      'a Parquet file is imported with its folder: import the folder that holds channels.parquet and the readings-*.parquet parts',
      { file: path },
    );
  const head = await firstChunk(path);
  return detectFromText(head, path);
}

/** Detects the format from the first decoded text of a file. */
export function detectFromText(text: string, path: string): ImportFormat {
  const t = text.replace(/^\uFEFF/, '').trimStart();
  if (t === '') throw new InputError('the file is empty (or only blank lines)', { file: path, line: 1 });
  if (t.startsWith('<')) return 'greenbutton';
  // An SML file starts with its escape and version sequences, as bytes or written as hex text.
  if (t.startsWith('\x1b\x1b\x1b\x1b\x01\x01\x01\x01') || /^1B1B1B1B01010101/i.test(t)) return 'sml';
  // A DSMR P1 telegram starts with '/', three letters of the manufacturer and a digit (baud rate).
  if (/^\/[A-Za-z]{3}\d/.test(t)) return 'dsmr';
  if (t.startsWith('{') || t.startsWith('[')) {
    if (/^\{\s*"organisations"\s*:/.test(t)) throw simulatorSideFile(path, 'catalog (catalog.json)');
    return 'utilityapi-json';
  }
  const nl = t.indexOf('\n');
  const line = nl < 0 ? t : t.slice(0, nl);
  if (!line.includes(','))
    throw new InputError(`cannot tell the format from the first line '${line.slice(0, 80)}'; pass --format`, {
      file: path,
      line: 1,
    });
  const buf = Buffer.from(line.replace(/\r$/, ''));
  const h = splitText(buf, 0, buf.length).map((x) => x.toLowerCase());
  if (h.includes('interval_start') && (h.includes('interval_kwh') || h.includes('interval_kw')))
    return 'utilityapi-csv';
  if (isRegistrationsHeader(h)) return 'registrations';
  const side = SIMULATOR_SIDE_FILES[h.join(',')];
  if (side) throw simulatorSideFile(path, side);
  if (h[0] === 'timestamp' && h.includes('m_e')) return 'ampds';
  if (h[0] === 'time' && h.includes('aggregate')) return 'refit';
  if (h[0] === 'seconds' && h[1] === 'mains') return 'redd-relative';
  if (h[0] === 'datetime' && h.some((x) => /^\d+ mains$/.test(x))) return 'redd';
  if (h.some((x) => LONG_CHANNEL_COLS.includes(x)) && h.some((x) => LONG_VALUE_COLS.includes(x)))
    return 'csv-long';
  return 'csv-wide';
}

/** Headers of the simulator's files that hold no readings, with what they are. */
const SIMULATOR_SIDE_FILES: Record<string, string> = {
  'channel_key,channel_id,meter_id,name,is_mains,appliance,measurement,unit,interval_ms':
    'channel list (channels.csv)',
  'channel_id,meter_id,start,end,start_ms,end_ms,peak_w,factor': 'ground truth of injected spikes',
  'channel_id,meter_id,facility_id,appliance,rated_w': 'ground truth of appliance channels',
  'facility_id,meter_id,label,extra_w': 'ground truth of unusual homes',
  'meter_id,facility_id,kind,factor': 'ground truth of heavy meters',
};

/**
 * The error for a simulator file that is not data (`loadscope import out/*` meets them): what it is
 * and which files to import instead.
 */
function simulatorSideFile(path: string, what: string): InputError {
  return new InputError(
    `this is the simulator's ${what}, not meter data: import registrations.csv for the facilities and meters, then the parquet/ folder, readings.csv, utilityapi.csv or utilityapi.json for the readings`,
    { file: path, line: 1 },
  );
}

async function firstChunk(path: string): Promise<string> {
  const src = await openSource(path);
  for await (const chunk of src.chunks()) return chunk.subarray(0, 65536).toString('utf8');
  const err = src.error();
  if (err) throw new InputError(`cannot read the file: ${err}`, { file: path });
  return '';
}
