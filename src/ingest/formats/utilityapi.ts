/**
 * UtilityAPI interval data. CSV with seed 002's columns (interval_start, interval_end, interval_kW,
 * interval_kWh, service_uid, source, updated, utility, utility_meter_number, utility_service_address,
 * utility_service_id, utility_tariff_name): one meter per service_uid with one interval-energy channel
 * `mains` in Wh (interval_kWh x 1000; when only interval_kW is given, kW x hours). The timestamp is
 * interval_start. JSON: `{ meta?, intervals: [{ readings: [{ start, end, kwh, datapoints? }] }] }`.
 */
import { ConfigError, InputError } from '../../errors.ts';
import { FieldSplitter, fieldText, splitText } from '../csv/fields.ts';
import { findColumn } from '../csv/wide.ts';
import { driveLines } from '../drive.ts';
import type { Format, FormatContext } from '../format.ts';
import { LineSplitter } from '../lines.ts';
import { numberProblem, parseNumber } from '../numbers.ts';
import { LocalTimeConverter, parseInstant, TS_MAX, TS_MIN } from '../time.ts';

const REQUIRED = ['interval_start', 'interval_end'];

function instant(text: string, conv: LocalTimeConverter | null): { ts: number; problem: string } {
  const ts = parseInstant(text, conv);
  if (Number.isNaN(ts)) return { ts, problem: text.trim() === '' ? 'missing-value' : 'bad-timestamp' };
  if (!(ts >= TS_MIN && ts < TS_MAX)) return { ts: NaN, problem: 'timestamp-out-of-range' };
  return { ts, problem: '' };
}

function channelFor(
  ctx: FormatContext,
  meter: string,
  intervalMs: number | null,
  info: Record<string, string | undefined>,
): number {
  const blank = (s: string | undefined): string | null => (s && s.trim() !== '' ? s.trim() : null);
  ctx.catalog.meter(meter, {
    serviceType: 'electricity',
    utilityMeterNumber: blank(info['utility_meter_number']),
    serviceId: blank(info['utility_service_id']),
    tariff: blank(info['utility_tariff_name']),
    utility: blank(info['utility']),
  });
  const address = blank(info['utility_service_address']);
  if (address && !ctx.catalog.facility.address) ctx.catalog.facility.address = address;
  return ctx.catalog.channel({
    meter,
    name: 'mains',
    isMains: true,
    appliance: null,
    measurement: 'interval',
    unit: 'Wh',
    intervalMs,
  });
}

/** UtilityAPI interval CSV. */
export const utilityapiCsv: Format = {
  async run(ctx, source) {
    const conv = ctx.opts.tz ? new LocalTimeConverter(ctx.opts.tz) : null;
    const f = new FieldSplitter(44);
    const lines = new LineSplitter();
    let header: string[] | null = null;
    const col: Record<string, number> = {};
    const channels = new Map<string, number>();
    await driveLines(
      ctx,
      source!,
      (buf, s, e, line) => {
        if (e === s) return;
        if (!header) {
          header = splitText(buf, s, e);
          for (const h of header) col[h.toLowerCase()] = findColumn(header, h);
          for (const r of REQUIRED)
            if (col[r] === undefined)
              throw new InputError(`not a UtilityAPI interval CSV: no '${r}' column`, {
                file: ctx.file,
                line,
                field: r,
              });
          if (col['interval_kwh'] === undefined && col['interval_kw'] === undefined)
            throw new InputError("no 'interval_kWh' or 'interval_kW' column", { file: ctx.file, line });
          return;
        }
        if (ctx.full()) return;
        ctx.rows++;
        const raw = buf.toString('utf8', s, e);
        const n = f.split(buf, s, e);
        if (n !== header.length) {
          const cut = lines.unterminated;
          ctx.rejects.reject(
            line,
            '',
            cut ? 'truncated' : 'wrong-column-count',
            cut
              ? `last line is cut off: ${n} of ${header.length} columns`
              : `expected ${header.length} columns, found ${n}`,
            raw,
          );
          return;
        }
        const get = (name: string): string | undefined =>
          col[name] === undefined ? undefined : fieldText(buf, f, col[name]);
        const start = instant(get('interval_start')!, conv);
        if (Number.isNaN(start.ts))
          return ctx.rejects.reject(
            line,
            'interval_start',
            start.problem,
            `cannot use interval_start '${get('interval_start')}'`,
            raw,
          );
        const end = instant(get('interval_end')!, conv);
        if (Number.isNaN(end.ts) || end.ts <= start.ts)
          return ctx.rejects.reject(
            line,
            'interval_end',
            end.problem || 'bad-interval',
            `interval_end '${get('interval_end')}' must be a time after interval_start`,
            raw,
          );
        let wh = NaN;
        let field = 'interval_kWh';
        const kwhI = col['interval_kwh'];
        if (kwhI !== undefined && f.ends[kwhI]! > f.starts[kwhI]!)
          wh = parseNumber(buf, f.starts[kwhI]!, f.ends[kwhI]!) * 1000;
        else if (col['interval_kw'] !== undefined) {
          field = 'interval_kW';
          wh =
            parseNumber(buf, f.starts[col['interval_kw']]!, f.ends[col['interval_kw']]!) *
            1000 *
            ((end.ts - start.ts) / 3_600_000);
        }
        if (!Number.isFinite(wh)) {
          const text = get(field.toLowerCase()) ?? '';
          return ctx.rejects.reject(
            line,
            field,
            numberProblem(text),
            `expected a finite number, found '${text}'`,
            raw,
          );
        }
        const meter =
          get('service_uid')?.trim() || get('utility_meter_number')?.trim() || ctx.opts.meter || 'main';
        let ch = channels.get(meter);
        if (ch === undefined) {
          const info: Record<string, string | undefined> = {};
          for (const k of Object.keys(col)) info[k] = get(k);
          ch = channelFor(ctx, meter, end.ts - start.ts, info);
          channels.set(meter, ch);
        }
        ctx.out.push(ch, start.ts, wh);
      },
      lines,
    );
    if (!header) throw new InputError('the file is empty (no header line)', { file: ctx.file, line: 1 });
  },
};

const JSON_MAX_BYTES = 256 * 1024 * 1024;

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
    const text = Buffer.concat(parts).toString('utf8');
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
    const conv = ctx.opts.tz ? new LocalTimeConverter(ctx.opts.tz) : null;
    const intervals = root['intervals'] as Record<string, unknown>[];
    intervals.forEach((block, bi) => {
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
          'expected a readings array',
          JSON.stringify(block).slice(0, 200),
        );
        return;
      }
      let ch: number | undefined;
      readings.forEach((r: Record<string, unknown>, ri) => {
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
        ch ??= channelFor(ctx, meter, end.ts - start.ts, info);
        ctx.out.push(ch, start.ts, v * 1000);
      });
    });
    await ctx.out.drain();
  },
};
