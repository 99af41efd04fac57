/**
 * Presets for the public data sets: REFIT (UK, 30 s power), AMPds (hourly Wh per circuit) and the two
 * REDD exports (house 1 mains day in US/Eastern local time; house 3 with seconds from a start).
 */
import { AMPDS_LABELS, applianceLabel, REDD_LABELS } from '../../domain/appliances.ts';
import { ConfigError, InputError } from '../../errors.ts';
import { findColumn, runWide } from '../csv/wide.ts';
import { createTsReader } from '../csv/ts-reader.ts';
import type { Format, FormatContext } from '../format.ts';
import { unitRule } from '../units.ts';
import { declareColumns, tsColumn, tsReaderOf } from './wide-common.ts';

const W = unitRule('W')!;
const WH = unitRule('Wh')!;

function expectColumns(ctx: FormatContext, header: string[], first: string, what: string): void {
  if (header[0]?.toLowerCase() !== first.toLowerCase()) {
    throw new InputError(
      `not a ${what} file: the header should start with '${first}', found '${header.join(',')}'`,
      { file: ctx.file, line: 1 },
    );
  }
}

/**
 * REFIT: `Time,Aggregate,Kettle,...` in W, local UK time (Europe/London unless --tz). The original
 * REFIT files also carry `Unix` (seconds, UTC): when present it places every row, the hours around
 * clock changes included. REFIT writes 0 in every column where it has no measurement, so a row whose
 * aggregate is 0 is skipped, not stored as 0 W; the prepared files fill the hour that clocks skip in
 * spring (forward-filled, then zeros), so without `Unix` those rows are skipped too, with a note.
 */
export const refit: Format = {
  async run(ctx, source) {
    await runWide(ctx, source!, (header) => {
      expectColumns(ctx, header, 'Time', 'REFIT');
      const unix = ctx.opts.tsCol === undefined ? findColumn(header, 'Unix') : -1;
      const ts = unix >= 0 ? { index: unix, name: header[unix]! } : tsColumn(ctx, header, 0);
      const skip = new Set([0, ts.index]);
      const columns = declareColumns(ctx, header, skip, W, (h) =>
        h.toLowerCase() === 'aggregate'
          ? { name: 'mains', appliance: null, isMains: true }
          : { name: h, appliance: applianceLabel(h), isMains: false },
      );
      const aggregate = findColumn(header, 'Aggregate');
      return {
        tsIndex: ts.index,
        tsName: ts.name,
        ts: unix >= 0 ? createTsReader('unix-s', null) : tsReaderOf(ctx),
        columns,
        zeroFill:
          aggregate >= 0
            ? { index: aggregate, note: 'REFIT writes 0 W in every column where it has no measurement' }
            : undefined,
        nonexistentNote:
          unix >= 0
            ? undefined
            : 'the hour UK clocks skip in spring does not exist; REFIT fills it and the file has no Unix column to place it',
      };
    });
  },
};

/** AMPds: `TimeStamp` (unix s) then hourly Wh per circuit; `M_E` is mains. */
export const ampds: Format = {
  async run(ctx, source) {
    await runWide(ctx, source!, (header) => {
      expectColumns(ctx, header, 'TimeStamp', 'AMPds');
      const ts = tsColumn(ctx, header, 0);
      const columns = declareColumns(ctx, header, new Set([ts.index]), WH, (h) => ({
        name: h,
        appliance: h === 'M_E' ? null : (AMPDS_LABELS[h] ?? h.toLowerCase()),
        isMains: h === 'M_E',
      }));
      return { tsIndex: ts.index, tsName: ts.name, ts: tsReaderOf(ctx), columns };
    });
  },
};

/** REDD mains export: `datetime,"1 mains","2 mains"` in W, US/Eastern local time. */
export const redd: Format = {
  async run(ctx, source) {
    await runWide(ctx, source!, (header) => {
      const ts = tsColumn(ctx, header, 0);
      const columns = declareColumns(ctx, header, new Set([ts.index]), W, reddLabel);
      return { tsIndex: ts.index, tsName: ts.name, ts: tsReaderOf(ctx), columns };
    });
  },
};

/** REDD relative export: `seconds,mains,SO1,...` with seconds from `--start`. */
export const reddRelative: Format = {
  async run(ctx, source) {
    if (ctx.opts.start === undefined) {
      throw new ConfigError(
        '--start',
        'this REDD file has seconds from the start, not dates; pass --start (ISO-8601 or unix seconds), e.g. --start 2011-04-16T00:00:00',
      );
    }
    await runWide(ctx, source!, (header) => {
      expectColumns(ctx, header, 'seconds', 'REDD relative-time');
      const ts = tsColumn(ctx, header, 0);
      const columns = declareColumns(ctx, header, new Set([ts.index]), W, reddLabel);
      return { tsIndex: ts.index, tsName: ts.name, ts: tsReaderOf(ctx), columns };
    });
  },
};

/** Channel name, appliance and mains flag for a REDD column or label (`1 mains`, `SO3`, `kitchen_outlets`). */
export function reddLabel(h: string): { name: string; appliance: string | null; isMains: boolean } {
  const m = /^(\d+)\s*mains$/i.exec(h.trim());
  if (m) return { name: `mains_${m[1]}`, appliance: null, isMains: true };
  if (/^mains$/i.test(h.trim())) return { name: 'mains', appliance: null, isMains: true };
  const code = /^([A-Z]+)(\d*)$/.exec(h.trim());
  const known = code ? REDD_LABELS[code[1]!] : undefined;
  return { name: h, appliance: known ?? h.toLowerCase().replace(/_/g, ' '), isMains: false };
}
