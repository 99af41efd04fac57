/**
 * REDD low_freq layout: a directory `house_N/` with `labels.dat` (`<channel number> <label>` per
 * line) and `channel_M.dat` files of `<unix seconds> <watts>` lines. Each channel file is streamed in
 * turn; the label names the channel (`mains_1`, `kitchen_outlets_7`).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../errors.ts';
import { runWide } from '../csv/wide.ts';
import type { Format } from '../format.ts';
import { openSource } from '../source.ts';
import { unitRule } from '../units.ts';
import { tsReaderOf } from './wide-common.ts';

/** Parses labels.dat into channel number -> label. */
export function parseLabels(text: string, file: string): Map<number, string> {
  const labels = new Map<number, string>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const m = /^(\d+)\s+(\S.*)$/.exec(line);
    if (!m)
      throw new InputError(`expected '<channel number> <label>', found '${line}'`, { file, line: i + 1 });
    labels.set(Number(m[1]), m[2]!.trim());
  });
  return labels;
}

/** The REDD low_freq directory format. */
export const reddLowFreq: Format = {
  async run(ctx) {
    const labelsFile = join(ctx.opts.path, 'labels.dat');
    const labels = parseLabels(await readFile(labelsFile, 'utf8'), labelsFile);
    const w = unitRule('W')!;
    let done = 0;
    const tick = ctx.tick.bind(ctx);
    for (const [n, label] of [...labels].sort((a, b) => a[0] - b[0])) {
      const path = join(ctx.opts.path, `channel_${n}.dat`);
      let source;
      try {
        source = await openSource(path, ctx.signal);
      } catch (cause) {
        ctx.rejects.current = path;
        ctx.rejects.reject(
          0,
          '',
          'missing-file',
          `labels.dat names channel ${n} (${label}) but ${path} cannot be read: ${(cause as Error).message}`,
          '',
        );
        continue;
      }
      ctx.rejects.current = path;
      const isMains = /^mains$/i.test(label);
      const channel = ctx.catalog.channel({
        meter: ctx.opts.meter ?? 'main',
        name: `${label}_${n}`,
        isMains,
        appliance: isMains ? null : label.replace(/_/g, ' '),
        measurement: 'power',
        unit: 'W',
        intervalMs: ctx.opts.intervalMs ?? null,
      });
      const base = done;
      ctx.tick = (b) => tick(base + b);
      // The .dat files have no header: the layout is fixed (column 0 time, column 1 watts).
      await runWide(
        ctx,
        source,
        () => ({
          tsIndex: 0,
          tsName: 'unix_seconds',
          ts: tsReaderOf(ctx),
          columns: [{ index: 1, name: 'watts', channel, factor: w.factor }],
        }),
        'ws',
        2,
      );
      done += source.size;
    }
    ctx.tick = tick;
  },
};
