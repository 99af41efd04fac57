/**
 * SML files of German smart meters (see {@link ../protocols/sml.ts}), from a recording of the optical
 * interface (binary, or the same bytes written as hex text) or live from a TCP gateway
 * (`tcp://host:port`: an IR reading head behind ser2net, Tasmota's or ESPHome's serial bridge).
 * Readings go to meter `sml` of the facility:
 *
 * - `power_import` (the mains channel, W) and `power_export` from 1-0:16.7.0, the signed total
 *   active power (a negative value is export: the meter's own sign);
 * - `power_l1..l3` from 36.7.0, 56.7.0 and 76.7.0 where the meter sends them;
 * - the billing registers `energy_import[_t1|_t2]` (1.8.x) and `energy_export[_t1|_t2]` (2.8.x), Wh.
 *
 * Meters count seconds since they started (secIndex), not the time of day. Live, a file is dated when
 * it arrives; a recording needs `--start` (the time of its first file) and is dated by the meter's own
 * seconds from there. A file with a bad CRC or structure is rejected with its byte offset; the files
 * around it still land.
 */
import { ConfigError } from '../../errors.ts';
import type { ChannelSpec } from '../types.ts';
import type { Format, FormatContext } from '../format.ts';
import { DLMS_UNITS, shortObis, type SmlFile, SmlFramer } from '../protocols/sml.ts';
import type { ByteSource } from '../source.ts';
import { converterOf } from './wide-common.ts';
import { parseInstant } from '../time.ts';

/** OBIS code -> channel name and the unit it must have. */
const REGISTERS: Readonly<Record<string, string>> = {
  '1-0:1.8.0': 'energy_import',
  '1-0:1.8.1': 'energy_import_t1',
  '1-0:1.8.2': 'energy_import_t2',
  '1-0:2.8.0': 'energy_export',
  '1-0:2.8.1': 'energy_export_t1',
  '1-0:2.8.2': 'energy_export_t2',
};
const PHASES: Readonly<Record<string, string>> = {
  '1-0:36.7.0': 'power_l1',
  '1-0:56.7.0': 'power_l2',
  '1-0:76.7.0': 'power_l3',
};

/** One reading of an SML file, before dating. */
export interface SmlReading {
  name: string;
  mains: boolean;
  register: boolean;
  unit: 'W' | 'Wh';
  value: number;
}

/** The readings of one file; entries in other units or not kept are left out. */
export function smlReadings(f: SmlFile): SmlReading[] {
  const out: SmlReading[] = [];
  for (const e of f.entries) {
    if (e.value === null || e.unit === null) continue;
    const obis = shortObis(e.obis);
    const unit = DLMS_UNITS[e.unit];
    if (obis === '1-0:16.7.0' && unit === 'W') {
      // Signed total power: import and export as two non-negative channels, like a P1 meter's.
      out.push({ name: 'power_import', mains: true, register: false, unit, value: Math.max(e.value, 0) });
      out.push({ name: 'power_export', mains: false, register: false, unit, value: Math.max(-e.value, 0) });
    } else if (PHASES[obis] && unit === 'W')
      out.push({ name: PHASES[obis], mains: false, register: false, unit, value: e.value });
    else if (REGISTERS[obis] && unit === 'Wh')
      out.push({ name: REGISTERS[obis], mains: false, register: true, unit, value: e.value });
  }
  return out;
}

/** The catalog channel of a reading: meter `sml`, power or a billing register. */
export function smlChannel(r: SmlReading): ChannelSpec {
  return {
    meter: 'sml',
    name: r.name,
    isMains: r.mains,
    appliance: null,
    measurement: r.register ? 'register' : 'power',
    unit: r.unit,
    intervalMs: null,
  };
}

/** Hex text (`1B1B1B1B...`, whitespace allowed) to bytes, across chunk boundaries. */
class HexDecoder {
  private carry = -1;
  decode(chunk: Buffer): Buffer {
    const out = Buffer.allocUnsafe(Math.ceil(chunk.length / 2) + 1);
    let n = 0;
    for (const c of chunk) {
      const v = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1;
      if (v < 0) continue;
      if (this.carry < 0) this.carry = v;
      else {
        out[n++] = (this.carry << 4) | v;
        this.carry = -1;
      }
    }
    return out.subarray(0, n);
  }
}

/** Dates files: by arrival (live), by the meter's own time, or by secIndex from `--start`. */
function dater(ctx: FormatContext, live: boolean): (f: SmlFile) => number | string {
  let start: number | undefined;
  if (!live && ctx.opts.start !== undefined) {
    start = parseInstant(ctx.opts.start, converterOf(ctx));
    if (!Number.isFinite(start))
      throw new ConfigError('--start', `'${ctx.opts.start}' is not an ISO-8601 time or unix seconds`);
  }
  let first: number | undefined;
  return (f) => {
    if (live) return Date.now();
    if (f.sensorTime?.kind === 'timestamp') return f.sensorTime.seconds * 1000;
    if (start === undefined)
      throw new ConfigError(
        '--start',
        'this SML recording is dated by the meter, which counts seconds since it started, not the time of day; pass --start with the time of its first file (ISO-8601 or unix seconds), e.g. --start 2024-05-01T14:00',
      );
    if (f.sensorTime === null) return 'the file has no sensor time (secIndex), so it cannot be dated';
    first ??= f.sensorTime.seconds;
    return start + (f.sensorTime.seconds - first) * 1000;
  };
}

/** Reads SML files from a source into the import. */
export async function runSml(ctx: FormatContext, source: ByteSource, live: boolean): Promise<void> {
  const dateOf = dater(ctx, live);
  const channels = new Map<string, number>();
  const channel = (r: SmlReading): number => {
    let ch = channels.get(r.name);
    if (ch === undefined) {
      ch = ctx.catalog.channel(smlChannel(r));
      channels.set(r.name, ch);
    }
    return ch;
  };
  let lastCut = performance.now();
  const framer = new SmlFramer(
    (f) => {
      if (ctx.full()) return;
      ctx.rows++;
      const ts = dateOf(f);
      const readings = smlReadings(f);
      if (typeof ts === 'string' || readings.length === 0) {
        const why = typeof ts === 'string' ? ts : 'the file has no power or energy register in W or Wh';
        ctx.rejects.reject(f.offset, 'secIndex', 'no-readings', `SML file at byte ${f.offset}: ${why}`, '');
        return;
      }
      for (const r of readings) ctx.out.push(channel(r), ts, r.value);
      if (live && performance.now() - lastCut >= 1000) {
        ctx.out.cut();
        lastCut = performance.now();
      }
    },
    (p) => ctx.rejects.reject(p.offset, '', p.reason, p.message, ''),
  );
  let hex: HexDecoder | null | undefined;
  for await (const chunk of source.chunks()) {
    // A recording written as hex text starts with the characters '1B1B1B1B'.
    hex ??= chunk.subarray(0, 8).toString('latin1').toUpperCase() === '1B1B1B1B' ? new HexDecoder() : null;
    framer.push(hex ? hex.decode(chunk) : chunk);
    await ctx.out.drain();
    ctx.tick(source.bytesRead());
    // Stopping a live source (Ctrl-C) ends its input through the source: what was read is kept.
    if (!live) ctx.signal?.throwIfAborted();
    if (ctx.full()) break;
  }
  framer.end();
  const err = source.error();
  if (err) ctx.rejects.reject(source.bytesRead(), '', 'truncated', `${err}; the data after it is lost`, '');
  await ctx.out.drain();
  ctx.tick(source.bytesRead());
}

/** The `sml` import format. */
export const sml: Format = {
  async run(ctx, source) {
    if (!source) throw new Error('sml: a file or a tcp:// source is needed');
    await runSml(ctx, source, source.path.startsWith('tcp://'));
  },
};
