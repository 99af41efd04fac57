/**
 * DSMR P1 telegrams as a file (a gateway's or a logger's recording) or as a TCP stream from a P1
 * gateway (`tcp://host:port`, see {@link ../protocols/p1-tcp.ts}). Each checked telegram becomes
 * readings on the facility's meters:
 *
 * - meter `p1` (electricity): `power_import` (1-0:1.7.0, the mains power), `power_export` (2.7.0),
 *   per-phase power (21/41/61.7.0 import, 22/42/62.7.0 export) and the billing registers
 *   `energy_import[_t1|_t2]` (1.8.x) and `energy_export[_t1|_t2]` (2.8.x);
 * - one meter per M-Bus gas or water device (`gas`, `water`) with its register and the
 *   register's own time stamp (0-n:24.2.1, or the DSMR 3 form 0-n:24.3.0).
 *
 * The facility's energy comes from `power_import` (the mains channel); the registers are kept, as
 * cumulative channels, for billing checks and tariffs. A telegram with a bad CRC, a bad line or a bad
 * time stamp is rejected whole, with its line and why; the telegrams around it still land.
 */
import type { ServiceType } from '../../domain/types.ts';
import type { ChannelSpec } from '../types.ts';
import { driveLines } from '../drive.ts';
import type { Format, FormatContext } from '../format.ts';
import { type DsmrObject, type DsmrTelegram, parseStamp, TelegramAssembler } from '../protocols/dsmr.ts';
import type { ByteSource } from '../source.ts';
import { unitRule } from '../units.ts';

/** Electricity objects of the P1 meter: OBIS code -> channel name and whether it is the mains. */
export const P1_CHANNELS: Readonly<Record<string, { name: string; mains: boolean }>> = {
  '1-0:1.7.0': { name: 'power_import', mains: true },
  '1-0:2.7.0': { name: 'power_export', mains: false },
  '1-0:21.7.0': { name: 'power_import_l1', mains: false },
  '1-0:41.7.0': { name: 'power_import_l2', mains: false },
  '1-0:61.7.0': { name: 'power_import_l3', mains: false },
  '1-0:22.7.0': { name: 'power_export_l1', mains: false },
  '1-0:42.7.0': { name: 'power_export_l2', mains: false },
  '1-0:62.7.0': { name: 'power_export_l3', mains: false },
  '1-0:1.8.0': { name: 'energy_import', mains: false },
  '1-0:1.8.1': { name: 'energy_import_t1', mains: false },
  '1-0:1.8.2': { name: 'energy_import_t2', mains: false },
  '1-0:2.8.0': { name: 'energy_export', mains: false },
  '1-0:2.8.1': { name: 'energy_export_t1', mains: false },
  '1-0:2.8.2': { name: 'energy_export_t2', mains: false },
};

/** M-Bus device types (0-n:24.1.0) of the companion standard. */
const MBUS_TYPES: Readonly<Record<number, { meter: string; service: ServiceType }>> = {
  3: { meter: 'gas', service: 'gas' },
  7: { meter: 'water', service: 'water' },
};

/** One reading decoded from a telegram. */
export interface P1Reading {
  spec: ChannelSpec;
  service: ServiceType;
  ts: number;
  /** Value in the stored unit (W, Wh, m3). */
  value: number;
}

/**
 * The readings of one telegram. `receivedAt` dates telegrams without `0-0:1.0.0` (DSMR 2.2 and 3,
 * live only); a file telegram without a stamp gives no electricity readings.
 */
export function telegramReadings(t: DsmrTelegram, receivedAt?: number): P1Reading[] {
  const out: P1Reading[] = [];
  const ts = t.ts ?? receivedAt;
  const types = new Map<string, number>();
  for (const o of t.objects) {
    const ch = /^0-(\d+):24\.1\.0$/.exec(o.obis);
    if (ch && o.values[0]?.value !== undefined) types.set(ch[1]!, o.values[0].value);
  }
  for (const o of t.objects) {
    const p1 = P1_CHANNELS[o.obis];
    if (p1) {
      const v = o.values[0];
      const rule = v?.unit ? unitRule(v.unit) : undefined;
      if (ts === undefined || v?.value === undefined || !rule) continue;
      const register = o.obis.includes('.8.');
      out.push({
        spec: {
          meter: 'p1',
          name: p1.name,
          isMains: p1.mains,
          appliance: null,
          measurement: register ? 'register' : 'power',
          unit: rule.unit,
          intervalMs: null,
        },
        service: 'electricity',
        ts,
        value: v.value * rule.factor,
      });
      continue;
    }
    const mbus = mbusReading(o, types);
    if (mbus) out.push(mbus);
  }
  return out;
}

/** The register of an M-Bus device: `0-n:24.2.1(stamp)(value*unit)` or DSMR 3's `0-n:24.3.0`. */
function mbusReading(o: DsmrObject, types: Map<string, number>): P1Reading | undefined {
  const m = /^0-(\d+):24\.(2\.[13]|3\.0)$/.exec(o.obis);
  if (!m) return undefined;
  const n = m[1]!;
  let stampText: string | undefined;
  let value: number | undefined;
  let unit: string | undefined;
  if (m[2] === '3.0') {
    // (stamp)(00)(60)(1)(0-n:24.2.1)(m3) then (value) on the next line.
    stampText = o.values[0]?.raw;
    unit = o.values[5]?.raw;
    value = o.values[6]?.value;
  } else {
    stampText = o.values[0]?.raw;
    value = o.values[1]?.value;
    unit = o.values[1]?.unit;
  }
  const rule = unit ? unitRule(unit) : undefined;
  const ts = stampText ? parseStamp(stampText) : undefined;
  if (value === undefined || !rule || ts === undefined) return undefined;
  // A device without a type line is a gas meter when it counts m3 (the usual case); heat meters (GJ) are not kept.
  const kind = MBUS_TYPES[types.get(n) ?? (rule.unit === 'm3' ? 3 : -1)];
  if (!kind) return undefined;
  return {
    spec: {
      meter: kind.meter,
      name: kind.meter,
      isMains: true,
      appliance: null,
      measurement: 'register',
      unit: rule.unit,
      intervalMs: null,
    },
    service: kind.service,
    ts,
    value: value * rule.factor,
  };
}

/** Feeds telegrams' readings into an import: catalog, batch writer, rejects. */
export class P1Writer {
  /** Last time stamp written per channel: M-Bus registers repeat in every telegram until they change. */
  private readonly last = new Map<number, number>();
  telegrams = 0;

  constructor(private readonly ctx: FormatContext) {}

  /** Writes one telegram's readings. */
  write(t: DsmrTelegram, receivedAt?: number): void {
    const ctx = this.ctx;
    this.telegrams++;
    ctx.rows++;
    const readings = telegramReadings(t, receivedAt);
    if (readings.length === 0) {
      const why =
        t.ts === undefined && receivedAt === undefined
          ? 'the telegram has no time stamp (0-0:1.0.0; DSMR 2.2 and 3 carry none), so its readings cannot be dated'
          : 'the telegram has no power, energy or M-Bus register object';
      ctx.rejects.reject(t.line, '0-0:1.0.0', 'no-readings', `telegram at line ${t.line}: ${why}`, '');
      return;
    }
    for (const r of readings) {
      if (r.service !== 'electricity') ctx.catalog.meter(r.spec.meter, { serviceType: r.service });
      const ch = ctx.catalog.channel(r.spec);
      if (this.last.get(ch) === r.ts) continue;
      this.last.set(ch, r.ts);
      ctx.out.push(ch, r.ts, r.value);
    }
  }
}

/** Longest a live reading waits in the batch writer, ms. */
const LIVE_FLUSH_MS = 1000;

/** Runs the assembler over a byte source, line by line. */
export async function runTelegrams(ctx: FormatContext, source: ByteSource, live = false): Promise<void> {
  const writer = new P1Writer(ctx);
  let lastCut = performance.now();
  const asm = new TelegramAssembler(
    (t) => {
      if (ctx.full()) return;
      writer.write(t, live ? Date.now() : undefined);
      // A live gateway sends a telegram every 1-10 s: write at least every second, not per 100k readings.
      if (live && performance.now() - lastCut >= LIVE_FLUSH_MS) {
        ctx.out.cut();
        lastCut = performance.now();
      }
    },
    (p) => ctx.rejects.reject(p.line, '', p.reason, p.message, ''),
  );
  // Stopping a live source (Ctrl-C) ends its input: what was read is written and summed up, not thrown away.
  const driven = live ? { ...ctx, signal: undefined } : ctx;
  await driveLines(driven, source, (buf, start, end, line) => asm.line(buf, start, end, line));
  asm.end();
  await ctx.out.drain();
}

/** The `dsmr` import format. */
export const dsmr: Format = {
  async run(ctx, source) {
    if (!source) throw new Error('dsmr: a file or a tcp:// source is needed');
    await runTelegrams(ctx, source, source.path.startsWith('tcp://'));
  },
};
