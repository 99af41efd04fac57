/**
 * DSMR P1 telegrams (the Dutch and Belgian smart-meter port, P1 companion standard 2.2 to 5.0.2 and
 * the Belgian e-MUCS variant). A telegram is ASCII text:
 *
 * ```
 * /ISk5\2MT382-1000          identification
 *                            (blank line)
 * 0-0:1.0.0(170102192002W)   COSEM objects: OBIS code, then one or more (value*unit) groups
 * 1-0:1.8.1(000004.426*kWh)
 * ...
 * !6EEE                      end; DSMR 4 and later add a CRC-16 of everything from '/' to '!'
 * ```
 *
 * The CRC is CRC-16/ARC (polynomial 0x8005 reflected, 0xA001; initial value 0). Time stamps are
 * `YYMMDDhhmmssX` in Dutch local time with X = `W` (winter, UTC+1) or `S` (summer, UTC+2), so every
 * stamp names its own offset and the clock-change hour is never ambiguous.
 *
 * {@link TelegramAssembler} takes lines as they arrive (from a file or a TCP gateway), checks each
 * telegram and hands over the parsed objects; a damaged telegram is reported with its first line and
 * why, and the next one is read as if nothing happened.
 */
import { wallToUtc, zoneOffsets } from '../../util/time/index.ts';

/** One value of a COSEM object: a number with its unit, or text (identifiers, hex strings). */
export interface DsmrValue {
  /** Number when the group reads as one (`000004.426`), else undefined. */
  value?: number;
  /** Unit after `*`, as written (`kWh`, `kW`, `m3`, `V`...), or undefined. */
  unit?: string;
  /** The group's text between the parentheses. */
  raw: string;
}

/** One line of a telegram: an OBIS code and its value groups. */
export interface DsmrObject {
  /** OBIS code without the `*255` suffix some meters add: `1-0:1.8.1`. */
  obis: string;
  values: DsmrValue[];
  /** Line of the object inside the input (1-based), for error reports. */
  line: number;
}

/** A checked telegram. */
export interface DsmrTelegram {
  /** The identification line without `/`: manufacturer and type. */
  ident: string;
  /** `0-0:1.0.0` as UTC milliseconds, or undefined (DSMR 2.2 and 3 carry no time stamp). */
  ts?: number;
  objects: DsmrObject[];
  /** True when the telegram carried a CRC and it matched; false when it carried none (DSMR < 4). */
  crcChecked: boolean;
  /** First line of the telegram in the input. */
  line: number;
}

/** Why a telegram was not accepted. */
export interface DsmrProblem {
  /** First line of the damaged telegram (or of the stray text). */
  line: number;
  reason: 'bad-crc' | 'bad-line' | 'bad-timestamp' | 'truncated' | 'stray-text' | 'too-long';
  message: string;
}

/** Largest telegram accepted, in bytes; real ones are 1-3 KB, the e-MUCS ones up to 5 KB. */
export const MAX_TELEGRAM_BYTES = 16 * 1024;

/** CRC-16/ARC of `buf[start, end)`, continuing from `crc`. */
export function crc16(buf: Uint8Array, start = 0, end = buf.length, crc = 0): number {
  for (let i = start; i < end; i++) {
    crc ^= buf[i]!;
    for (let b = 0; b < 8; b++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

const STAMP = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})([WS])?$/;

/**
 * A DSMR time stamp `YYMMDDhhmmssX` as UTC ms. `W` is UTC+1 and `S` UTC+2; a stamp without the flag
 * (some Belgian and Luxembourg meters) is read as UTC+1 in winter months and UTC+2 in summer months
 * by the EU rule. Undefined when the text is not a valid stamp.
 */
export function parseStamp(text: string): number | undefined {
  const m = STAMP.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  const local = Date.UTC(2000 + y, mo - 1, d, h, mi, s);
  if (new Date(local).getUTCDate() !== d) return undefined; // 30 February and the like
  const flag = m[7];
  // The hour repeated in October is read as winter time, the second of its two instants.
  if (!flag) return wallToUtc(CET, local, 'later');
  return local - (flag === 'S' ? 2 : 1) * 3_600_000;
}

// Meters without the flag keep Central European time with the EU's summer time, as Brussels does.
const CET = zoneOffsets('Europe/Brussels');

const OBIS = /^(\d{1,3}-\d{1,3}:\d{1,3}\.\d{1,3}\.\d{1,3})(\*\d{1,3})?/;
const NUMBER = /^[+-]?\d+(\.\d+)?$/;

/** Parses the value groups `(a)(b*unit)...` after an OBIS code; undefined when they are malformed. */
function parseGroups(text: string): DsmrValue[] | undefined {
  const values: DsmrValue[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '(') return undefined;
    const close = text.indexOf(')', i);
    if (close < 0) return undefined;
    const raw = text.slice(i + 1, close);
    const star = raw.lastIndexOf('*');
    const num = star >= 0 ? raw.slice(0, star) : raw;
    const v: DsmrValue = { raw };
    if (NUMBER.test(num)) v.value = Number(num);
    if (star >= 0) v.unit = raw.slice(star + 1);
    values.push(v);
    i = close + 1;
  }
  return values.length ? values : undefined;
}

type Sink = (t: DsmrTelegram) => void;
type ProblemSink = (p: DsmrProblem) => void;

/**
 * Assembles telegrams from lines. Feed every line (without its `\n`, a trailing `\r` allowed) with
 * {@link line}; call {@link end} at the end of the input so that a cut-off telegram is reported.
 */
export class TelegramAssembler {
  private open = false;
  private first = 0;
  /** CRC of the bytes as they came, and of the same lines with CRLF ends (a logger may have saved LF only). */
  private crc = 0;
  private crcCrlf = 0;
  private bytes = 0;
  private ident = '';
  private objects: DsmrObject[] = [];
  private bad: DsmrProblem | null = null;
  private strayAt = 0;

  constructor(
    private readonly onTelegram: Sink,
    private readonly onProblem: ProblemSink,
  ) {}

  /** One input line: `buf[start, end)` is the line without `\n`; `n` its 1-based number. */
  line(buf: Uint8Array, start: number, end: number, n: number): void {
    const first = buf[start];
    if (first === 0x2f /* '/' */) {
      if (this.open) this.problem('truncated', `the telegram is cut off: a new one starts on line ${n}`);
      this.flushStray();
      this.begin(buf, start, end, n);
      return;
    }
    if (!this.open) {
      // Gateways and logs put text between telegrams (EasyMeter's trailer, boot banners); report once per run.
      if (end > start && !isBlank(buf, start, end) && this.strayAt === 0) this.strayAt = n;
      return;
    }
    this.bytes += end - start + 1;
    if (this.bytes > MAX_TELEGRAM_BYTES) {
      this.problem(
        'too-long',
        `the telegram is longer than ${MAX_TELEGRAM_BYTES} bytes without its end ('!')`,
      );
      this.open = false;
      return;
    }
    if (first === 0x21 /* '!' */) {
      this.crc = crc16(buf, start, start + 1, this.crc);
      this.crcCrlf = crc16(buf, start, start + 1, this.crcCrlf);
      this.finish(stripCr(ascii(buf, start + 1, end)), n);
      return;
    }
    this.addLine(buf, start, end);
    if (this.bad) return;
    const text = stripCr(ascii(buf, start, end));
    if (text === '') return;
    if (text.startsWith('(')) {
      // DSMR 2.2 and 3 put the gas reading on its own line after 0-n:24.3.0.
      const prev = this.objects[this.objects.length - 1];
      const more = parseGroups(text);
      if (prev && more) prev.values.push(...more);
      else
        this.bad = {
          line: n,
          reason: 'bad-line',
          message: `line ${n}: a value group '${text.slice(0, 60)}' follows no object`,
        };
      return;
    }
    const m = OBIS.exec(text);
    const groups = m ? parseGroups(text.slice(m[0].length)) : undefined;
    if (!m || !groups) {
      this.bad = {
        line: n,
        reason: 'bad-line',
        message: `line ${n}: expected an OBIS code and value groups like 1-0:1.8.1(000123.456*kWh), found '${text.slice(0, 60)}'`,
      };
      return;
    }
    this.objects.push({ obis: m[1]!, values: groups, line: n });
  }

  /** Ends the input; a telegram without its `!` line is reported as truncated. */
  end(): void {
    if (this.open) this.problem('truncated', 'the input ends inside a telegram (no closing ! line)');
    this.open = false;
    this.flushStray();
  }

  private begin(buf: Uint8Array, start: number, end: number, n: number): void {
    this.open = true;
    this.first = n;
    this.bad = null;
    this.objects = [];
    this.ident = stripCr(ascii(buf, start + 1, end));
    this.bytes = end - start + 1;
    this.crc = 0;
    this.crcCrlf = 0;
    this.addLine(buf, start, end);
  }

  /**
   * Adds a line and its end to both CRCs. The line splitter hands lines without their `\r`; it is still
   * in the buffer right after the line when the input had one.
   */
  private addLine(buf: Uint8Array, start: number, end: number): void {
    let stop = end;
    if (stop > start && buf[stop - 1] === 0x0d) stop--;
    const hadCr = stop < end || (end < buf.length && buf[end] === 0x0d);
    this.crc = crc16(hadCr ? CRLF : LF, 0, hadCr ? 2 : 1, crc16(buf, start, stop, this.crc));
    this.crcCrlf = crc16(CRLF, 0, 2, crc16(buf, start, stop, this.crcCrlf));
  }

  private finish(tail: string, n: number): void {
    this.open = false;
    if (tail !== '') {
      if (!/^[0-9A-Fa-f]{4}$/.test(tail))
        return this.problem(
          'bad-crc',
          `line ${n}: expected a 4-digit hexadecimal CRC after '!', found '${tail.slice(0, 20)}'`,
        );
      const want = parseInt(tail, 16);
      if (want !== this.crc && want !== this.crcCrlf)
        return this.problem(
          'bad-crc',
          `the CRC does not match (telegram says ${tail.toUpperCase()}, content gives ${hex4(this.crc)}): the telegram was damaged on the way`,
        );
    }
    if (this.bad) return this.onProblem({ ...this.bad });
    const t: DsmrTelegram = {
      ident: this.ident,
      objects: this.objects,
      crcChecked: tail !== '',
      line: this.first,
    };
    const stamp = this.objects.find((o) => o.obis === '0-0:1.0.0');
    if (stamp) {
      const ts = parseStamp(stamp.values[0]?.raw ?? '');
      if (ts === undefined)
        return this.problem(
          'bad-timestamp',
          `line ${stamp.line}: expected a time stamp YYMMDDhhmmssW or ...S, found '${stamp.values[0]?.raw ?? ''}'`,
        );
      t.ts = ts;
    }
    this.onTelegram(t);
  }

  private problem(reason: DsmrProblem['reason'], message: string): void {
    this.onProblem({ line: this.first, reason, message: `telegram at line ${this.first}: ${message}` });
  }

  private flushStray(): void {
    if (this.strayAt === 0) return;
    const line = this.strayAt;
    this.strayAt = 0;
    this.onProblem({
      line,
      reason: 'stray-text',
      message: `line ${line}: text outside a telegram (a telegram starts with '/')`,
    });
  }
}

const LF = new Uint8Array([10]);
const CRLF = new Uint8Array([13, 10]);

function ascii(buf: Uint8Array, start: number, end: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + start, Math.max(0, end - start)).toString('latin1');
}

function stripCr(s: string): string {
  return s.endsWith('\r') ? s.slice(0, -1) : s;
}

function isBlank(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c !== 0x20 && c !== 0x0d && c !== 0x09 && c !== 0x00 && c !== 0xff) return false;
  }
  return true;
}

function hex4(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, '0');
}

/** Parses every telegram of a text (tests, one-off tools); problems are collected, not thrown. */
export function parseTelegrams(text: string): { telegrams: DsmrTelegram[]; problems: DsmrProblem[] } {
  const telegrams: DsmrTelegram[] = [];
  const problems: DsmrProblem[] = [];
  const a = new TelegramAssembler(
    (t) => telegrams.push(t),
    (p) => problems.push(p),
  );
  const buf = Buffer.from(text, 'latin1');
  let from = 0;
  let n = 0;
  for (;;) {
    const nl = buf.indexOf(10, from);
    if (nl < 0) break;
    a.line(buf, from, nl, ++n);
    from = nl + 1;
  }
  if (from < buf.length) a.line(buf, from, buf.length, n + 1);
  a.end();
  return { telegrams, problems };
}
