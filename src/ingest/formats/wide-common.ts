/**
 * Helpers shared by the wide-CSV formats: time-zone converters, unit resolution, channel declaration.
 */
import { ConfigError, InputError } from '../../errors.ts';
import type { Measurement } from '../../domain/types.ts';
import type { FormatContext } from '../format.ts';
import { LocalTimeConverter } from '../../util/time/index.ts';
import { parseInstant } from '../time.ts';
import { KNOWN_UNITS, type UnitRule, unitRule } from '../units.ts';
import { createTsReader, type TsReader } from '../csv/ts-reader.ts';
import { findColumn, type WideColumn } from '../csv/wide.ts';

/** Converter for local timestamps in `ctx.opts.tz`, or null (UTC) when no zone is set. */
export function converterOf(ctx: FormatContext): LocalTimeConverter | null {
  const tz = ctx.opts.tz;
  if (!tz) {
    if (ctx.opts.tsFormat === 'local')
      throw new ConfigError('--tz', 'local timestamps need a time zone, e.g. --tz Europe/London');
    return null;
  }
  return new LocalTimeConverter(tz);
}

/** The timestamp reader the options ask for (`--ts-format`, `--start`). */
export function tsReaderOf(ctx: FormatContext): TsReader {
  const conv = converterOf(ctx);
  if (ctx.opts.start !== undefined) {
    const start = parseInstant(ctx.opts.start, conv);
    if (!Number.isFinite(start))
      throw new ConfigError('--start', `'${ctx.opts.start}' is not an ISO-8601 time or unix seconds`);
    return createTsReader('unix-s', conv, start);
  }
  return createTsReader(ctx.opts.tsFormat ?? 'auto', conv);
}

/** The unit rule for `--unit` (required by formats whose files do not say). */
export function unitOf(ctx: FormatContext, format: string): UnitRule {
  const text = ctx.opts.unit;
  if (!text)
    throw new ConfigError('--unit', `${format} files do not say their unit; pass --unit (${KNOWN_UNITS})`);
  const rule = unitRule(text);
  if (!rule) throw new ConfigError('--unit', `unknown unit '${text}'; expected one of ${KNOWN_UNITS}`);
  return rule;
}

/** Measurement from `--measurement`, else the unit's default. */
export function measurementOf(ctx: FormatContext, rule: UnitRule): Measurement {
  return ctx.opts.measurement ?? rule.measurement;
}

/** Names that mean the whole-building signal. */
export function looksLikeMains(name: string): boolean {
  return (
    /^(mains?|aggregate|total|whole[ _-]?house|m_e|site|building)([ _-]?\d+)?$/i.test(name.trim()) ||
    // The grid connection of a site that also exports (the simulator's solar homes, docs/solar.md).
    /^(grid|grid[ _-]?import|power[ _-]?import)$/i.test(name.trim()) ||
    /^\d+ mains$/i.test(name.trim())
  );
}

/** Index of the timestamp column: `--ts-col` or `fallback`; throws InputError when missing. */
export function tsColumn(
  ctx: FormatContext,
  header: string[],
  fallback: string | number,
): { index: number; name: string } {
  const want = ctx.opts.tsCol ?? fallback;
  const index = typeof want === 'number' ? want : findColumn(header, want);
  if (index < 0 || index >= header.length) {
    throw new InputError(
      `no timestamp column '${String(want)}' in the header (${header.join(', ')}); use --ts-col`,
      { file: ctx.file, line: 1, field: String(want) },
    );
  }
  return { index, name: header[index]! };
}

/** Declares one channel per value column. `label` gives (channel name, appliance, mains) per header name. */
export function declareColumns(
  ctx: FormatContext,
  header: string[],
  skip: ReadonlySet<number>,
  rule: UnitRule,
  label: (name: string) => { name: string; appliance: string | null; isMains: boolean },
): WideColumn[] {
  const measurement = measurementOf(ctx, rule);
  const meter = ctx.opts.meter ?? 'main';
  const cols: WideColumn[] = [];
  header.forEach((h, index) => {
    if (skip.has(index) || h === '') return;
    const l = label(h);
    const channel = ctx.catalog.channel({
      meter,
      name: l.name,
      isMains: l.isMains,
      appliance: l.appliance,
      measurement,
      unit: rule.unit,
      intervalMs: ctx.opts.intervalMs ?? null,
    });
    cols.push({ index, name: h, channel, factor: rule.factor });
  });
  if (cols.length === 0) throw new InputError('no value columns in the header', { file: ctx.file, line: 1 });
  return cols;
}
