/**
 * SML (Smart Message Language, BSI TR-03109-1 / FNN "SML 1.04"), the binary protocol of German smart
 * meters' optical (D0/IR) and wired interfaces. A meter sends an SML file every 1-4 s:
 *
 *   1B1B1B1B 01010101 | messages (TLV-encoded) | 00.. padding | 1B1B1B1B 1A <pad> <crc16>
 *
 * `1B1B1B1B` inside the payload is escaped by repeating it; the CRC is CRC-16/X.25 over the whole
 * file up to and including the pad count. Each message is a list of six: transaction id, group,
 * abort-on-error, body (a tag and its content), the message's CRC and an end-of-message 00. Of the
 * bodies, GetListResponse carries the readings: a list of entries with an OBIS code, a DLMS unit, a
 * decimal scaler and the value.
 *
 * {@link SmlFramer} finds files in a byte stream (from a file or a TCP gateway), checks them and
 * hands on the decoded readings; a file with a bad CRC or structure is reported with its byte offset
 * and why, and the stream resynchronises at the next start sequence.
 */

/** A decoded reading of a GetListResponse. */
export interface SmlEntry {
  /** OBIS code as `A-B:C.D.E*F`, e.g. `1-0:16.7.0*255`; `short` drops the `*255`. */
  obis: string;
  /** DLMS unit code (27 W, 30 Wh, ...), or null when absent. */
  unit: number | null;
  /** Value times 10^scaler; null when the value is not a number (a server id, a text). */
  value: number | null;
}

/** One checked SML file. */
export interface SmlFile {
  /** Byte offset of its start sequence in the stream. */
  offset: number;
  /** Meter id (server id) as hex, or null. */
  serverId: string | null;
  /** The meter's seconds counter (secIndex) or, when the meter sends one, a unix time in seconds. */
  sensorTime: { kind: 'secIndex' | 'timestamp'; seconds: number } | null;
  entries: SmlEntry[];
}

/** Why a stretch of the stream was not used. */
export type SmlProblemReason = 'bad-crc' | 'bad-structure' | 'truncated' | 'too-long' | 'stray-bytes';

/** A problem found in the stream, with the byte offset it starts at. */
export interface SmlProblem {
  offset: number;
  reason: SmlProblemReason;
  message: string;
}

const ESC = 0x1b1b1b1b;
/** Longest SML file accepted; meters send a few hundred bytes, so this only stops runaway input. */
export const SML_MAX_FILE = 64 * 1024;

/** DLMS units (IEC 62056-62) that Loadscope stores, by code. */
export const DLMS_UNITS: Readonly<Record<number, string>> = {
  27: 'W',
  30: 'Wh',
  13: 'm3',
};

/** CRC-16/X.25 (reflected 0x1021, init and xorout 0xFFFF), the CRC of SML transport v1. */
export function crc16x25(buf: Uint8Array, start = 0, end = buf.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) {
    crc ^= buf[i]!;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
  }
  return crc ^ 0xffff;
}

/** Splits a byte stream into checked SML files. */
export class SmlFramer {
  private buf: Buffer = Buffer.alloc(0);
  /** Stream offset of `buf[0]`. */
  private base = 0;
  private stray = 0;
  private strayAt = 0;

  constructor(
    private readonly onFile: (file: SmlFile) => void,
    private readonly onProblem: (p: SmlProblem) => void,
  ) {}

  /** Adds bytes as they arrive; complete files are handed on at once. */
  push(chunk: Uint8Array): void {
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    this.scan();
  }

  /** End of input: a started file is truncated; stray bytes are reported. */
  end(): void {
    const s = findStart(this.buf, 0);
    if (s >= 0) {
      this.noteStray(s);
      this.onProblem({
        offset: this.base + s,
        reason: 'truncated',
        message: `SML file at byte ${this.base + s} is cut off after ${this.buf.length - s} bytes (no end sequence)`,
      });
    } else this.noteStray(this.buf.length);
    this.flushStray();
    this.base += this.buf.length;
    this.buf = Buffer.alloc(0);
  }

  private scan(): void {
    for (;;) {
      const s = findStart(this.buf, 0);
      if (s < 0) {
        // Keep the last 7 bytes: a start sequence may be split across chunks.
        const keep = Math.min(this.buf.length, 7);
        this.drop(this.buf.length - keep, true);
        return;
      }
      this.drop(s, true);
      const r = this.frame();
      if (r === 'wait') return;
    }
  }

  /** Reads the file at buf[0] (a start sequence); 'wait' when more bytes are needed. */
  private frame(): 'wait' | 'done' {
    const b = this.buf;
    // Escapes are aligned to 4 bytes from a file's start, but a file that follows a cut one (a dropped
    // connection, a reader restarted) starts at any alignment: look for its start sequence too.
    const next = b.indexOf(START, 1);
    const cutAtNext = (): 'done' => {
      this.problem(0, 'truncated', `cut off after ${next} bytes: a new file starts before the end sequence`);
      this.drop(next, false);
      return 'done';
    };
    for (let p = 8; p + 8 <= b.length; p += 4) {
      if (p > SML_MAX_FILE) {
        this.problem(0, 'too-long', `no end sequence within ${SML_MAX_FILE} bytes`);
        this.drop(8, false);
        return 'done';
      }
      if (b.readUInt32BE(p) !== ESC) continue;
      const word = b.readUInt32BE(p + 4);
      if (word === ESC) {
        p += 4; // An escaped 1B1B1B1B in the payload.
        continue;
      }
      if (word === 0x01010101) return cutAtNext();
      if (b[p + 4] !== 0x1a) {
        if (next > 0 && next < p) return cutAtNext();
        this.problem(
          0,
          'bad-structure',
          `unknown escape sequence 1B1B1B1B ${b.toString('hex', p + 4, p + 8)}`,
        );
        this.drop(p + 8, false);
        return 'done';
      }
      // A start sequence inside a file whose CRC fails means the file was cut there.
      if (next > 0 && next < p && !crcOk(b, p + 8)) return cutAtNext();
      this.check(p + 8);
      this.drop(p + 8, false);
      return 'done';
    }
    if (next > 0 && b.indexOf(END, next) > 0) return cutAtNext();
    if (b.length > SML_MAX_FILE + 8) {
      this.problem(0, 'too-long', `no end sequence within ${SML_MAX_FILE} bytes`);
      this.drop(8, false);
      return 'done';
    }
    return 'wait';
  }

  /** Checks the CRC of the file buf[0, len) and decodes it. */
  private check(len: number): void {
    const b = this.buf;
    const pad = b[len - 3]!;
    if (!crcOk(b, len)) {
      const want = crc16x25(b, 0, len - 2);
      const got = b.readUInt16LE(len - 2);
      this.problem(0, 'bad-crc', `CRC ${hex4(got)} does not match the file's CRC-16/X.25 ${hex4(want)}`);
      return;
    }
    if (pad > 3) {
      this.problem(0, 'bad-structure', `padding of ${pad} bytes (at most 3)`);
      return;
    }
    const payload = unescape(b.subarray(8, len - 8));
    let file: SmlFile;
    try {
      file = decodeFile(payload.subarray(0, payload.length - pad), this.base);
    } catch (e) {
      this.problem(0, 'bad-structure', e instanceof Error ? e.message : String(e));
      return;
    }
    this.onFile(file);
  }

  private problem(at: number, reason: SmlProblemReason, why: string): void {
    const offset = this.base + at;
    this.onProblem({ offset, reason, message: `SML file at byte ${offset}: ${why}` });
  }

  /** Drops n bytes from the front; `stray` marks them as bytes outside any file. */
  private drop(n: number, stray: boolean): void {
    if (n <= 0) return;
    if (stray) this.noteStray(n);
    else this.flushStray();
    this.buf = this.buf.subarray(n);
    this.base += n;
  }

  private noteStray(n: number): void {
    if (n <= 0) return;
    if (this.stray === 0) this.strayAt = this.base;
    this.stray += n;
  }

  private flushStray(): void {
    if (this.stray === 0) return;
    this.onProblem({
      offset: this.strayAt,
      reason: 'stray-bytes',
      message: `${this.stray} bytes at byte ${this.strayAt} are outside any SML file (a reader started mid-file, or noise)`,
    });
    this.stray = 0;
  }
}

/**
 * The CRC of the file b[0, len): CRC-16/X.25 over all but its last two bytes. Meters differ in the
 * byte order they send it in (most low byte first), so both are accepted.
 */
function crcOk(b: Buffer, len: number): boolean {
  const want = crc16x25(b, 0, len - 2);
  return want === b.readUInt16LE(len - 2) || want === b.readUInt16BE(len - 2);
}

const hex4 = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0');

function findStart(b: Buffer, from: number): number {
  return b.indexOf(START, from);
}
const START = Buffer.from('1b1b1b1b01010101', 'hex');
const END = Buffer.from('1b1b1b1b1a', 'hex');

/** Replaces each escaped `1B1B1B1B 1B1B1B1B` by one `1B1B1B1B` (4-byte aligned, as framed). */
function unescape(b: Buffer): Buffer {
  if (b.indexOf(ESC_BYTES) < 0) return b;
  const out: Buffer[] = [];
  let from = 0;
  for (let p = 0; p + 8 <= b.length; p += 4) {
    if (b.readUInt32BE(p) === ESC && b.readUInt32BE(p + 4) === ESC) {
      out.push(b.subarray(from, p + 4));
      from = p + 8;
      p += 4;
    }
  }
  out.push(b.subarray(from));
  return Buffer.concat(out);
}
const ESC_BYTES = Buffer.from('1b1b1b1b', 'hex');

/** A decoded TLV value: octets, a number (bigint for 64-bit), a boolean, a list, or absent. */
type Tlv = Buffer | number | bigint | boolean | Tlv[] | null;

/** Reads TLV values from a payload; every read checks bounds and says where it failed. */
class TlvReader {
  pos = 0;
  constructor(private readonly b: Buffer) {}

  get done(): boolean {
    return this.pos >= this.b.length;
  }

  /** Skips the 00 end-of-message byte(s) and padding between messages. */
  skipZeros(): void {
    while (this.pos < this.b.length && this.b[this.pos] === 0) this.pos++;
  }

  read(depth = 0): Tlv {
    if (depth > 16) throw new Error(`lists nested deeper than 16 at byte ${this.pos}`);
    const at = this.pos;
    let tl = this.byte(at);
    this.pos++;
    // 00 is endOfSmlMsg, the sixth element of every message.
    if (tl === 0) return null;
    const type = (tl >> 4) & 0x07;
    let len = tl & 0x0f;
    let tlBytes = 1;
    while (tl & 0x80) {
      tl = this.byte(this.pos);
      this.pos++;
      tlBytes++;
      len = (len << 4) | (tl & 0x0f);
    }
    if (type === 7) {
      const items: Tlv[] = [];
      for (let i = 0; i < len; i++) items.push(this.read(depth + 1));
      return items;
    }
    const n = len - tlBytes;
    if (n < 0) throw new Error(`bad length ${len} at byte ${at}`);
    if (this.pos + n > this.b.length) throw new Error(`value at byte ${at} runs past the end (${n} bytes)`);
    const v = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    switch (type) {
      case 0:
        return n === 0 ? null : Buffer.from(v);
      case 4:
        return n === 1 ? v[0] !== 0 : fail(`boolean of ${n} bytes at byte ${at}`);
      case 5:
      case 6:
        return integer(v, type === 5, at);
      default:
        return fail(`unknown type ${type} at byte ${at}`);
    }
  }

  private byte(i: number): number {
    if (i >= this.b.length) throw new Error(`message cut off at byte ${i}`);
    return this.b[i]!;
  }
}

function fail(why: string): never {
  throw new Error(why);
}

/** Big-endian integer of 1-8 bytes; numbers beyond 2^53 stay bigint. */
function integer(v: Buffer, signed: boolean, at: number): number | bigint {
  if (v.length === 0 || v.length > 8) fail(`integer of ${v.length} bytes at byte ${at}`);
  let x = 0n;
  for (const byte of v) x = (x << 8n) | BigInt(byte);
  if (signed && v[0]! & 0x80) x -= 1n << BigInt(v.length * 8);
  return x >= BigInt(Number.MIN_SAFE_INTEGER) && x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : x;
}

const GET_LIST_RESPONSE = 0x0701;

/** Decodes the messages of one file (payload without start, padding and end). */
export function decodeFile(payload: Buffer, offset = 0): SmlFile {
  const r = new TlvReader(payload);
  const file: SmlFile = { offset, serverId: null, sensorTime: null, entries: [] };
  while (!r.done) {
    r.skipZeros();
    if (r.done) break;
    const msg = r.read();
    if (!Array.isArray(msg) || msg.length !== 6)
      throw new Error(`expected a message (a list of 6), got ${describe(msg)}`);
    const body = msg[3];
    if (!Array.isArray(body) || body.length !== 2 || typeof body[0] !== 'number')
      throw new Error(`expected a message body (a tag and its content), got ${describe(body)}`);
    if (body[0] === GET_LIST_RESPONSE) readGetList(body[1]!, file);
  }
  return file;
}

function readGetList(list: Tlv, file: SmlFile): void {
  if (!Array.isArray(list) || list.length < 5)
    throw new Error(`expected a GetListResponse, got ${describe(list)}`);
  if (Buffer.isBuffer(list[1])) file.serverId = list[1].toString('hex');
  file.sensorTime = smlTime(list[3]!);
  const vals = list[4];
  if (!Array.isArray(vals)) throw new Error(`expected a value list, got ${describe(vals)}`);
  for (const e of vals) {
    if (!Array.isArray(e) || e.length !== 7)
      throw new Error(`expected a list entry of 7, got ${describe(e)}`);
    const [name, , , unit, scaler, value] = e;
    if (!Buffer.isBuffer(name) || name.length !== 6) continue;
    const s = typeof scaler === 'number' ? scaler : 0;
    const num = typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : null;
    file.entries.push({
      obis: `${name[0]}-${name[1]}:${name[2]}.${name[3]}.${name[4]}*${name[5]}`,
      unit: typeof unit === 'number' ? unit : null,
      value: num === null ? null : scale(num, s),
    });
  }
}

/** value x 10^scaler without binary noise for the usual scalers (-2 gives 0.01 steps, not 0.010000000000000002). */
function scale(v: number, s: number): number {
  return s >= 0 ? v * 10 ** s : v / 10 ** -s;
}

/** SML_Time: a choice of secIndex (1) or timestamp (2, 3: local with offsets). */
function smlTime(t: Tlv): SmlFile['sensorTime'] {
  if (!Array.isArray(t) || t.length !== 2) return null;
  const [tag, v] = t;
  if (tag === 1 && typeof v === 'number') return { kind: 'secIndex', seconds: v };
  if (tag === 2 && typeof v === 'number') return { kind: 'timestamp', seconds: v };
  if (tag === 3 && Array.isArray(v) && typeof v[0] === 'number') return { kind: 'timestamp', seconds: v[0] };
  return null;
}

function describe(v: Tlv | undefined): string {
  if (v === undefined || v === null) return 'nothing';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (Buffer.isBuffer(v)) return `${v.length} octets`;
  return typeof v;
}

/** `1-0:16.7.0*255` -> `1-0:16.7.0`. */
export function shortObis(obis: string): string {
  return obis.replace(/\*255$/, '');
}
