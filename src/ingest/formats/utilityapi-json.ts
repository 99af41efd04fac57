/** UtilityAPI interval data as JSON (blocks of readings, or seed 002's rows); see utilityapi-common.ts. */
import { ConfigError, InputError } from '../../errors.ts';
import type { Format, FormatContext } from '../format.ts';
import { findTooDeep } from '../json-depth.ts';
import { numberProblem, OUT_OF_RANGE, overflowMessage } from '../numbers.ts';
import { LocalTimeConverter } from '../time.ts';
import { channelFor, instant, rowValue } from './utilityapi-common.ts';

const JSON_MAX_BYTES = 256 * 1024 * 1024;
/** Deepest nesting accepted; UtilityAPI interval JSON nests five deep (intervals, readings, datapoints). */
export const JSON_MAX_DEPTH = 64;

const READINGS_PER_TURN = 10_000;

async function yieldTurn(ctx: FormatContext): Promise<void> {
  await ctx.out.drain();
  ctx.signal?.throwIfAborted();
  await new Promise<void>((resolve) => setImmediate(resolve));
}

/** UtilityAPI interval JSON (read whole: API responses are bounded; larger files are refused). */
export const utilityapiJson: Format = {
  async run(ctx, source) {
    if (source!.size > JSON_MAX_BYTES)
      throw new ConfigError(
        '--format',
        `UtilityAPI JSON over ${JSON_MAX_BYTES} bytes is not supported; convert it to the CSV form`,
      );
    const parts: Buffer[] = [];
    for await (const c of source!.chunks()) parts.push(c);
    ctx.tick(source!.bytesRead());
    const bytes = Buffer.concat(parts);
    const deep = findTooDeep(bytes, JSON_MAX_DEPTH);
    if (deep)
      throw new InputError(
        `JSON nested deeper than ${JSON_MAX_DEPTH} levels at line ${deep.line}, column ${deep.column}; UtilityAPI interval JSON is an object with an 'intervals' array of blocks with 'readings' arrays (five levels)`,
        { file: ctx.file, line: deep.line },
      );
    const text = bytes.toString('utf8');
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (cause) {
      throw new InputError(
        `not valid JSON${source!.error() ? ` (${source!.error()})` : ''}: ${(cause as Error).message}`,
        { file: ctx.file },
        { cause },
      );
    }
    const root = (Array.isArray(doc) ? { intervals: doc } : doc) as Record<string, unknown>;
    if (!root || typeof root !== 'object' || !Array.isArray(root['intervals'])) {
      throw new InputError("not UtilityAPI interval JSON: expected an object with an 'intervals' array", {
        file: ctx.file,
        field: 'intervals',
      });
    }
    await ctx.catalog.loadOrgMeters();
    const conv = ctx.opts.tz ? new LocalTimeConverter(ctx.opts.tz) : null;
    const intervals = root['intervals'] as Record<string, unknown>[];
    const flat = flatRows(ctx, conv);
    for (let bi = 0; bi < intervals.length; bi++) {
      const block = intervals[bi];
      if (isFlatRow(block)) {
        flat(block as Record<string, unknown>, bi);
        if (bi % READINGS_PER_TURN === READINGS_PER_TURN - 1) await yieldTurn(ctx);
        continue;
      }
      const meta = {
        ...((root['meta'] as Record<string, unknown> | undefined) ?? {}),
        ...((block?.['meta'] as Record<string, unknown> | undefined) ?? {}),
      };
      const info: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(meta))
        if (typeof v === 'string' || typeof v === 'number') info[k] = String(v);
      const meter =
        info['service_uid'] ?? info['meter_uid'] ?? info['utility_meter_number'] ?? ctx.opts.meter ?? `main`;
      const readings = block?.['readings'];
      if (!Array.isArray(readings)) {
        ctx.rejects.reject(
          0,
          `intervals[${bi}].readings`,
          'bad-structure',
          'expected a readings array (or a row with interval_start, interval_end and interval_kWh)',
          JSON.stringify(block).slice(0, 200),
        );
        continue;
      }
      let ch: number | undefined;
      const onReading = (r: Record<string, unknown>, ri: number): void => {
        ctx.rows++;
        const where = `intervals[${bi}].readings[${ri}]`;
        const raw = JSON.stringify(r);
        const start = instant(String(r?.['start'] ?? ''), conv);
        if (Number.isNaN(start.ts))
          return ctx.rejects.reject(
            0,
            `${where}.start`,
            start.problem,
            `cannot use start '${String(r?.['start'])}'`,
            raw,
          );
        const end = instant(String(r?.['end'] ?? ''), conv);
        if (Number.isNaN(end.ts) || end.ts <= start.ts)
          return ctx.rejects.reject(
            0,
            `${where}.end`,
            end.problem || 'bad-interval',
            `end '${String(r?.['end'])}' must be a time after start`,
            raw,
          );
        let kwh = r?.['kwh'];
        if ((kwh === undefined || kwh === null) && Array.isArray(r?.['datapoints'])) {
          kwh = (r['datapoints'] as Record<string, unknown>[])
            .filter((d) => d?.['unit'] === 'kwh' || d?.['unit'] === undefined)
            .reduce((a, d) => a + Number(d?.['value']), 0);
        }
        const v =
          typeof kwh === 'number' ? kwh : typeof kwh === 'string' && kwh.trim() !== '' ? Number(kwh) : NaN;
        if (!Number.isFinite(v))
          return ctx.rejects.reject(
            0,
            `${where}.kwh`,
            numberProblem(String(kwh ?? '')),
            `expected a finite kwh, found ${JSON.stringify(kwh)}`,
            raw,
          );
        if (!Number.isFinite(v * 1000))
          return ctx.rejects.reject(
            0,
            `${where}.kwh`,
            OUT_OF_RANGE,
            overflowMessage(v, '1000 (kWh to Wh)'),
            raw,
          );
        ch ??= channelFor(ctx, meter, end.ts - start.ts, info);
        ctx.out.push(ch, start.ts, v * 1000);
      };
      for (let ri = 0; ri < readings.length; ri++) {
        onReading(readings[ri] as Record<string, unknown>, ri);
        // Give the event loop a turn (and the store its batches) every 10,000 readings: a 400,000
        // reading file otherwise held the loop for seconds after JSON.parse.
        if (ri % READINGS_PER_TURN === READINGS_PER_TURN - 1) await yieldTurn(ctx);
      }
    }
    await ctx.out.drain();
  },
};

/** True for a seed-002 row (`{ interval_start, interval_end, interval_kWh, ... }`) rather than a block. */
function isFlatRow(x: unknown): boolean {
  return typeof x === 'object' && x !== null && !('readings' in x) && 'interval_start' in x;
}

/**
 * Reads seed 002's rows written as JSON objects (the simulator's `utilityapi.json`), field by field as
 * the CSV reader does; rejections name `intervals[i].<field>`.
 */
function flatRows(
  ctx: FormatContext,
  conv: LocalTimeConverter | null,
): (row: Record<string, unknown>, i: number) => void {
  const channels = new Map<string, number>();
  return (row, i) => {
    ctx.rows++;
    const where = `intervals[${i}]`;
    const raw = JSON.stringify(row).slice(0, 1000);
    const get = (name: string): string | undefined => {
      for (const [k, v] of Object.entries(row))
        if (k.toLowerCase() === name) return v === null || v === undefined ? '' : String(v as string);
      return undefined;
    };
    const start = instant(get('interval_start') ?? '', conv);
    if (Number.isNaN(start.ts))
      return ctx.rejects.reject(
        0,
        `${where}.interval_start`,
        start.problem,
        `cannot use interval_start '${get('interval_start')}'`,
        raw,
      );
    const end = instant(get('interval_end') ?? '', conv);
    if (Number.isNaN(end.ts) || end.ts <= start.ts)
      return ctx.rejects.reject(
        0,
        `${where}.interval_end`,
        end.problem || 'bad-interval',
        `interval_end '${get('interval_end')}' must be a time after interval_start`,
        raw,
      );
    const v = rowValue(get, (end.ts - start.ts) / 3_600_000);
    if (!v.ok) return ctx.rejects.reject(0, `${where}.${v.field}`, v.reason, v.message, raw);
    const meter =
      get('service_uid')?.trim() || get('utility_meter_number')?.trim() || ctx.opts.meter || 'main';
    const key = `${meter}\u0001${v.kind.unit}`;
    let ch = channels.get(key);
    if (ch === undefined) {
      const info: Record<string, string | undefined> = {};
      for (const k of Object.keys(row)) info[k.toLowerCase()] = get(k.toLowerCase());
      ch = channelFor(ctx, meter, end.ts - start.ts, info, v.kind);
      channels.set(key, ch);
    }
    ctx.out.push(ch, start.ts, v.value);
  };
}
