/**
 * Generic wide CSV: a timestamp column (`--ts-col`, default the first) and one column per channel,
 * all in the unit given by `--unit`. A column named like mains/aggregate/total is the mains channel.
 */
import { runWide } from '../csv/wide.ts';
import type { Format } from '../format.ts';
import { declareColumns, looksLikeMains, tsColumn, tsReaderOf, unitOf } from './wide-common.ts';

/** The generic wide CSV format. */
export const csvWide: Format = {
  async run(ctx, source) {
    await runWide(ctx, source!, (header) => {
      const ts = tsColumn(ctx, header, 0);
      const rule = unitOf(ctx, 'wide CSV');
      const columns = declareColumns(ctx, header, new Set([ts.index]), rule, (h) => {
        const isMains = looksLikeMains(h);
        return { name: h, appliance: isMains ? null : h, isMains };
      });
      return { tsIndex: ts.index, tsName: ts.name, ts: tsReaderOf(ctx), columns };
    });
  },
};
