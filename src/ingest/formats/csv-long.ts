/**
 * Long CSV: one reading per line, `[facility,] meter, channel, timestamp, value [, unit]` (column names
 * mapped with --meter-col, --channel-col, --ts-col, --value-col, --unit-col; a `facility_id` or
 * `facility` column places each meter in that facility unless --facility is given). The hot loop works on bytes:
 * the channel of a line is found by comparing its key bytes with the previous line's, and a map
 * lookup only happens when the key changes.
 */
import type { Unit } from '../../domain/types.ts';
import { ConfigError, InputError } from '../../errors.ts';
import { FieldSplitter, fieldText, splitText } from '../csv/fields.ts';
import { KeyCache } from '../csv/key-cache.ts';
import { slug } from '../catalog-routing.ts';
import { volumeKind } from './utilityapi-common.ts';
import { findColumn } from '../csv/wide.ts';
import { LONG_CHANNEL_COLS, LONG_VALUE_COLS } from '../detect.ts';
import { driveLines } from '../drive.ts';
import { LineSplitter } from '../lines.ts';
import type { Format, FormatContext } from '../format.ts';
import { numberProblem, OUT_OF_RANGE, overflowMessage, parseNumber } from '../numbers.ts';
import { KNOWN_UNITS, unitRule } from '../units.ts';
import { looksLikeMains, tsReaderOf } from './wide-common.ts';

/** What the lines with one (meter, channel, unit) key do: land on a channel, or get rejected. */
interface KeyEntry {
  /** Catalog index, or -1 when lines with this key are rejected. */
  channel: number;
  factor: number;
  reason: string;
  field: string;
  message: string;
}

function column(
  ctx: FormatContext,
  header: string[],
  option: string | undefined,
  names: string[],
  what: string,
  required: boolean,
): number {
  if (option !== undefined) {
    const i = findColumn(header, option);
    if (i < 0)
      throw new InputError(`no ${what} column '${option}' in the header (${header.join(', ')})`, {
        file: ctx.file,
        line: 1,
        field: option,
      });
    return i;
  }
  for (const n of names) {
    const i = findColumn(header, n);
    if (i >= 0) return i;
  }
  if (required)
    throw new InputError(
      `no ${what} column (looked for ${names.join(', ')}); name it with the matching --*-col option`,
      { file: ctx.file, line: 1 },
    );
  return -1;
}

/** The generic long CSV format. */
export const csvLong: Format = {
  async run(ctx, source) {
    const o = ctx.opts;
    const f = new FieldSplitter(44);
    let width = 0;
    let chI = -1;
    let meterI = -1;
    let facI = -1;
    let tsI = -1;
    let valI = -1;
    let unitI = -1;
    let keyFields: number[] = [];
    let ts = tsReaderOf(ctx);
    let header: string[] | null = null;
    const entries = new Map<string, KeyEntry>();
    const units = new Map<number, Unit>();
    const cache = new KeyCache<KeyEntry>();
    let cur: KeyEntry;
    const { rejects, out } = ctx;

    /** Slow path, once per distinct key: decode the key fields, find or make the entry. */
    const lookup = (buf: Buffer): KeyEntry => {
      const key = keyFields.map((k) => fieldText(buf, f, k).trim()).join('\u0001');
      let e = entries.get(key);
      if (!e) {
        e = makeEntry(buf);
        entries.set(key, e);
      }
      cache.set(e);
      return e;
    };
    const makeEntry = (buf: Buffer): KeyEntry => {
      const name = fieldText(buf, f, chI).trim();
      const meter = meterI >= 0 ? fieldText(buf, f, meterI).trim() : (o.meter ?? 'main');
      if (name === '')
        return {
          channel: -1,
          factor: 1,
          reason: 'missing-value',
          field: header![chI]!,
          message: 'the channel is empty',
        };
      if (meter === '')
        return {
          channel: -1,
          factor: 1,
          reason: 'missing-value',
          field: header![meterI]!,
          message: 'the meter is empty',
        };
      const unitText = unitI >= 0 ? fieldText(buf, f, unitI).trim() || o.unit : o.unit;
      const rule = unitText === undefined ? undefined : unitRule(unitText);
      if (!rule)
        return {
          channel: -1,
          factor: 1,
          reason: 'unknown-unit',
          field: unitI >= 0 ? header![unitI]! : 'unit',
          message: `unknown unit '${unitText ?? ''}'; expected one of ${KNOWN_UNITS}`,
        };
      const isMains = looksLikeMains(name);
      const facility = facI >= 0 ? fieldText(buf, f, facI).trim() : '';
      // A facility column places each meter in its facility (unless the user chose one for all).
      const serviceType = volumeKind(rule.unit)?.serviceType;
      const info = serviceType ? { serviceType } : {};
      const meterId = facility
        ? ctx.catalog.placeMeter(meter, info, { facility: { id: slug(facility), name: facility } })
        : ctx.catalog.meter(meter, info).id;
      const channel = ctx.catalog.channel({
        meter,
        meterId,
        name,
        isMains,
        appliance: isMains ? null : name,
        measurement: o.measurement ?? rule.measurement,
        unit: rule.unit,
        intervalMs: o.intervalMs ?? null,
      });
      const had = units.get(channel);
      if (had !== undefined && had !== rule.unit) {
        return {
          channel: -1,
          factor: 1,
          reason: 'unit-mismatch',
          field: unitI >= 0 ? header![unitI]! : 'unit',
          message: `unit '${unitText}' does not fit channel '${name}' stored in ${had}`,
        };
      }
      units.set(channel, rule.unit);
      return { channel, factor: rule.factor, reason: '', field: '', message: '' };
    };

    const lines = new LineSplitter();
    await driveLines(
      ctx,
      source!,
      (buf, s, e, line) => {
        if (e === s) return;
        if (!header) {
          header = splitText(buf, s, e);
          width = header.length;
          chI = column(ctx, header, o.channelCol, LONG_CHANNEL_COLS, 'channel', true);
          meterI = column(ctx, header, o.meterCol, ['meter', 'meter_id'], 'meter', o.meterCol !== undefined);
          tsI = column(
            ctx,
            header,
            o.tsCol,
            ['timestamp', 'ts', 'time', 'datetime', 'date'],
            'timestamp',
            true,
          );
          valI = column(ctx, header, o.valueCol, LONG_VALUE_COLS, 'value', true);
          facI = column(ctx, header, undefined, ['facility_id', 'facility'], 'facility', false);
          unitI = column(ctx, header, o.unitCol, ['unit', 'units', 'uom'], 'unit', o.unitCol !== undefined);
          if (unitI < 0 && o.unit === undefined)
            throw new ConfigError('--unit', `the file has no unit column; pass --unit (${KNOWN_UNITS})`);
          keyFields = [facI, meterI, chI, unitI].filter((i) => i >= 0);
          ts = tsReaderOf(ctx);
          return;
        }
        if (ctx.full()) return;
        ctx.rows++;
        const n = f.split(buf, s, e);
        if (n !== width) {
          rejects.columnCount(line, n, width, lines.unterminated, buf.toString('utf8', s, e));
          return;
        }
        cur = cache.get(buf, f, keyFields) ?? lookup(buf);
        if (cur.channel < 0) {
          rejects.reject(line, cur.field, cur.reason, cur.message, buf.toString('utf8', s, e));
          return;
        }
        const t = ts.parse(buf, f.starts[tsI]!, f.ends[tsI]!);
        if (Number.isNaN(t)) {
          const text = buf.toString('utf8', f.starts[tsI], f.ends[tsI]);
          rejects.reject(
            line,
            header[tsI]!,
            ts.problem,
            `cannot use timestamp '${text}' (${ts.problem})`,
            buf.toString('utf8', s, e),
          );
          return;
        }
        const v = parseNumber(buf, f.starts[valI]!, f.ends[valI]!);
        if (!Number.isFinite(v)) {
          const text = buf.toString('utf8', f.starts[valI], f.ends[valI]);
          rejects.reject(
            line,
            header[valI]!,
            numberProblem(text),
            `expected a finite number, found '${text}'`,
            buf.toString('utf8', s, e),
          );
          return;
        }
        const scaled = v * cur.factor;
        if (!Number.isFinite(scaled)) {
          rejects.reject(
            line,
            header[valI]!,
            OUT_OF_RANGE,
            overflowMessage(v, String(cur.factor)),
            buf.toString('utf8', s, e),
          );
          return;
        }
        out.push(cur.channel, t, scaled);
      },
      lines,
    );
    if (!header) throw new InputError('the file is empty (no header line)', { file: ctx.file, line: 1 });
  },
};
