/** UtilityAPI interval data as CSV (seed 002's columns, gas and water too); see utilityapi-common.ts. */
import { InputError } from '../../errors.ts';
import { FieldSplitter, fieldText, splitText } from '../csv/fields.ts';
import { findColumn } from '../csv/wide.ts';
import { driveLines } from '../drive.ts';
import type { Format } from '../format.ts';
import { LineSplitter } from '../lines.ts';
import { LocalTimeConverter } from '../../util/time/index.ts';
import { channelFor, instant, rowValue } from './utilityapi-common.ts';

const REQUIRED = ['interval_start', 'interval_end'];

/** UtilityAPI interval CSV. */
export const utilityapiCsv: Format = {
  async run(ctx, source) {
    await ctx.catalog.loadOrgMeters();
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
          if (
            col['interval_kwh'] === undefined &&
            col['interval_kw'] === undefined &&
            col['interval_volume'] === undefined
          )
            throw new InputError(
              "no 'interval_kWh' or 'interval_kW' column (or 'interval_volume' for gas and water)",
              {
                file: ctx.file,
                line,
              },
            );
          return;
        }
        if (ctx.full()) return;
        ctx.rows++;
        const raw = buf.toString('utf8', s, e);
        const n = f.split(buf, s, e);
        if (n !== header.length) {
          ctx.rejects.columnCount(line, n, header.length, lines.unterminated, raw);
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
        const v = rowValue(get, (end.ts - start.ts) / 3_600_000);
        if (!v.ok) return ctx.rejects.reject(line, v.field, v.reason, v.message, raw);
        const meter =
          get('service_uid')?.trim() || get('utility_meter_number')?.trim() || ctx.opts.meter || 'main';
        const key = `${meter}\u0001${v.kind.unit}`;
        let ch = channels.get(key);
        if (ch === undefined) {
          const info: Record<string, string | undefined> = {};
          for (const k of Object.keys(col)) info[k] = get(k);
          ch = channelFor(ctx, meter, end.ts - start.ts, info, v.kind);
          channels.set(key, ch);
        }
        ctx.out.push(ch, start.ts, v.value);
      },
      lines,
    );
    if (!header) throw new InputError('the file is empty (no header line)', { file: ctx.file, line: 1 });
  },
};
