/**
 * The live wire formats (docs/realtime.md): one JSON reading, a JSON batch, NDJSON, and the compact
 * binary frame. Decoders never throw on bad items: they return what they could read plus a reason per
 * bad item, so good readings in the same message still land.
 */
import type { ReadingBatch } from '../domain/types.ts';
import { InputError } from '../errors.ts';

/** One reading as sent by a device, before channel resolution. */
export interface WireReading {
  /** Channel id (batch formats) or undefined (single-reading topics carry it in the topic). */
  channel?: string;
  /** Position in the message, for error reports. */
  index?: number;
  ts: number;
  value: number;
  quality: number;
}

/** A bad item of a message. */
export interface ItemError {
  /** Position of the item in the message (0-based), when the message has several. */
  index?: number;
  field?: string;
  reason: string;
}

/** Parses a timestamp given as UTC ms or an ISO-8601 string with a zone; undefined when neither. */
export function parseTimestamp(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? Math.round(raw) : undefined;
  if (typeof raw !== 'string') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.exec(raw);
  if (!m) return undefined;
  const t = Date.parse(raw);
  if (Number.isNaN(t)) return undefined;
  // Date.parse rolls impossible dates over (Feb 30 becomes Mar 2): the written date must exist.
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return undefined;
  return t;
}

/** Checks one reading object; `needChannel` for batch items. */
export function readItem(raw: unknown, needChannel: boolean, index?: number): WireReading | ItemError {
  const at = index === undefined ? {} : { index };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { ...at, reason: 'expected an object {"ts": ..., "value": ...}' };
  const o = raw as Record<string, unknown>;
  if (needChannel && (typeof o['channel'] !== 'string' || o['channel'] === ''))
    return { ...at, field: 'channel', reason: 'expected a channel id (string)' };
  const ts = parseTimestamp(o['ts']);
  if (ts === undefined)
    return {
      ...at,
      field: 'ts',
      reason: `expected UTC milliseconds or an ISO-8601 time with a zone, got ${JSON.stringify(o['ts'])}`,
    };
  const value = o['value'];
  if (typeof value !== 'number' || !Number.isFinite(value))
    return { ...at, field: 'value', reason: `expected a finite number, got ${JSON.stringify(value)}` };
  const q = o['quality'] ?? 0;
  if (typeof q !== 'number' || !Number.isInteger(q) || q < 0 || q > 3)
    return { ...at, field: 'quality', reason: `expected 0-3, got ${JSON.stringify(q)}` };
  return { ...(needChannel ? { channel: o['channel'] as string } : {}), ...at, ts, value, quality: q };
}

/** Result of decoding a message. */
export interface Decoded {
  readings: WireReading[];
  errors: ItemError[];
}

/** Decodes a JSON body: one reading (`single`) or `{"readings": [...]}`. */
export function decodeJson(text: string, shape: 'single' | 'batch'): Decoded {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { readings: [], errors: [{ reason: `malformed JSON: ${(e as Error).message}` }] };
  }
  if (shape === 'single') {
    const r = readItem(parsed, false);
    return 'reason' in r ? { readings: [], errors: [r] } : { readings: [r], errors: [] };
  }
  const list = (parsed as { readings?: unknown } | null)?.readings;
  if (!Array.isArray(list))
    return {
      readings: [],
      errors: [{ field: 'readings', reason: 'expected {"readings": [{"channel", "ts", "value"}, ...]}' }],
    };
  return collect(list.map((x, i) => readItem(x, true, i)));
}

/** Decodes NDJSON: one reading object with a channel per line; blank lines are skipped. */
export function decodeNdjson(text: string): Decoded {
  const items: (WireReading | ItemError)[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    try {
      items.push(readItem(JSON.parse(line), true, i));
    } catch (e) {
      items.push({ index: i, reason: `line ${i + 1}: malformed JSON: ${(e as Error).message}` });
    }
  }
  return collect(items);
}

function collect(items: (WireReading | ItemError)[]): Decoded {
  const out: Decoded = { readings: [], errors: [] };
  for (const x of items) {
    if ('reason' in x) out.errors.push(x);
    else out.readings.push(x);
  }
  return out;
}

/**
 * The compact frame (little-endian), for high rates and for the reading log:
 * `"LS"` magic, u8 version 1, u8 reserved, u32 channel count C, C x (u16 byte length + UTF-8 id),
 * padding to a multiple of 8, u32 reading count N, u32 reserved, then N x f64 ts, N x f64 value,
 * N x i32 channel index, N x u8 quality.
 */
export function encodeCompact(batch: ReadingBatch): Buffer {
  const ids = batch.channelIds.map((id) => Buffer.from(id, 'utf8'));
  const head = 8 + ids.reduce((s, b) => s + 2 + b.length, 0);
  const pad = (8 - (head % 8)) % 8;
  const n = batch.length;
  const size = head + pad + 8 + n * 21;
  const buf = Buffer.alloc(size);
  buf.write('LS', 0, 'latin1');
  buf.writeUInt8(1, 2);
  buf.writeUInt32LE(ids.length, 4);
  let off = 8;
  for (const b of ids) {
    buf.writeUInt16LE(b.length, off);
    b.copy(buf, off + 2);
    off += 2 + b.length;
  }
  off += pad;
  buf.writeUInt32LE(n, off);
  off += 8;
  Buffer.from(batch.ts.buffer, batch.ts.byteOffset, n * 8).copy(buf, off);
  Buffer.from(batch.value.buffer, batch.value.byteOffset, n * 8).copy(buf, off + n * 8);
  Buffer.from(batch.channel.buffer, batch.channel.byteOffset, n * 4).copy(buf, off + n * 16);
  Buffer.from(batch.quality.buffer, batch.quality.byteOffset, n).copy(buf, off + n * 20);
  return buf;
}

/** Decodes a compact frame; throws {@link InputError} naming the field when the frame is malformed. */
export function decodeCompact(buf: Buffer, source = 'compact frame'): ReadingBatch {
  const fail = (field: string, why: string): never => {
    throw new InputError(why, { source, field });
  };
  if (buf.length < 16 || buf.toString('latin1', 0, 2) !== 'LS')
    fail('magic', 'expected a frame starting with "LS"');
  if (buf.readUInt8(2) !== 1) fail('version', `unsupported version ${buf.readUInt8(2)} (expected 1)`);
  const c = buf.readUInt32LE(4);
  const channelIds: string[] = [];
  let off = 8;
  for (let i = 0; i < c; i++) {
    if (off + 2 > buf.length) fail('channels', `frame ends inside channel id ${i}`);
    const len = buf.readUInt16LE(off);
    if (off + 2 + len > buf.length) fail('channels', `frame ends inside channel id ${i}`);
    channelIds.push(buf.toString('utf8', off + 2, off + 2 + len));
    off += 2 + len;
  }
  off += (8 - (off % 8)) % 8;
  if (off + 8 > buf.length) fail('count', 'frame ends before the reading count');
  const n = buf.readUInt32LE(off);
  off += 8;
  if (buf.length !== off + n * 21)
    fail('readings', `expected ${off + n * 21} bytes for ${n} readings, got ${buf.length}`);
  // Copies give aligned typed arrays whatever the buffer's offset in its pool.
  const slice = (from: number, bytes: number): ArrayBuffer =>
    buf.buffer.slice(buf.byteOffset + from, buf.byteOffset + from + bytes) as ArrayBuffer;
  const batch: ReadingBatch = {
    channelIds,
    ts: new Float64Array(slice(off, n * 8)),
    value: new Float64Array(slice(off + n * 8, n * 8)),
    channel: new Int32Array(slice(off + n * 16, n * 4)),
    quality: new Uint8Array(slice(off + n * 20, n)),
    length: n,
  };
  for (let i = 0; i < n; i++) {
    const ci = batch.channel[i]!;
    if (ci < 0 || ci >= c) fail('channel', `reading ${i}: channel index ${ci} outside 0..${c - 1}`);
  }
  return batch;
}

/** An item error as one line: `item 3 field 'ts': expected ...`. */
export function describeItemError(e: ItemError): string {
  const where =
    e.index === undefined
      ? e.field
        ? `field '${e.field}': `
        : ''
      : `item ${e.index}${e.field ? ` field '${e.field}'` : ''}: `;
  return where + e.reason;
}
