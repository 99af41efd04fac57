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
    throw new InputError('a directory can only be imported as a REDD low_freq house (with labels.dat)', {
      file: path,
    });
  }
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
  if (t.startsWith('{') || t.startsWith('[')) return 'utilityapi-json';
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
  if (h[0] === 'timestamp' && h.includes('m_e')) return 'ampds';
  if (h[0] === 'time' && h.includes('aggregate')) return 'refit';
  if (h[0] === 'seconds' && h[1] === 'mains') return 'redd-relative';
  if (h[0] === 'datetime' && h.some((x) => /^\d+ mains$/.test(x))) return 'redd';
  if (h.some((x) => LONG_CHANNEL_COLS.includes(x)) && h.some((x) => LONG_VALUE_COLS.includes(x)))
    return 'csv-long';
  return 'csv-wide';
}

async function firstChunk(path: string): Promise<string> {
  const src = await openSource(path);
  for await (const chunk of src.chunks()) return chunk.subarray(0, 65536).toString('utf8');
  const err = src.error();
  if (err) throw new InputError(`cannot read the file: ${err}`, { file: path });
  return '';
}
