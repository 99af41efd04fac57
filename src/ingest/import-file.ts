/**
 * The programmatic import API: one file (or REDD directory) into a store, returning a summary. The
 * CLI, the web upload and tests call {@link importFile}.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, InputError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import { BatchWriter } from './batch-writer.ts';
import { CatalogBuilder, type FacilityInfo, slug } from './catalog.ts';
import { defaultsFor } from './defaults.ts';
import { detectFormat } from './detect.ts';
import type { Format, FormatContext, RecordAt } from './format.ts';
import { FORMATS } from './formats/index.ts';
import { OUT_OF_RANGE } from './numbers.ts';
import { RejectLog } from './rejects.ts';
import { isTcpUrl, openTcpSource, parseTcpUrl } from './protocols/p1-tcp.ts';
import { openSource } from './source.ts';
import { isTimeZone } from '../util/time/index.ts';
import { physicalRangeError } from './units.ts';
import type { ImportHooks, ImportOptions, ImportSummary } from './types.ts';

const PROGRESS_EVERY_MS = 250;

/** Imports one file into `store`; bad rows are rejected and quarantined, good rows land. */
export async function importFile(
  store: Store,
  options: ImportOptions,
  hooks: ImportHooks = {},
): Promise<ImportSummary> {
  const t0 = performance.now();
  let isDir = false;
  const tcp = isTcpUrl(options.path);
  if (tcp && options.format !== undefined && options.format !== 'dsmr' && options.format !== 'sml')
    throw new ConfigError(
      '--format',
      `a tcp:// source is a meter gateway: --format dsmr (P1 telegrams, the default) or sml; got --format ${options.format}`,
    );
  if (tcp) parseTcpUrl(options.path);
  else
    try {
      isDir = (await stat(options.path)).isDirectory();
    } catch (cause) {
      throw new InputError(`cannot open: ${(cause as Error).message}`, { file: options.path }, { cause });
    }
  // Column options of the long layout imply it; otherwise the content decides.
  const longHint =
    options.channelCol !== undefined || options.valueCol !== undefined || options.meterCol !== undefined;
  const format =
    options.format ?? (tcp ? 'dsmr' : longHint && !isDir ? 'csv-long' : await detectFormat(options.path));
  const shown = options.displayName ?? options.path;
  const d = defaultsFor(format, shown);
  const user = Object.fromEntries(
    Object.entries(options).filter(([, v]) => v !== undefined),
  ) as ImportOptions;
  const opts: ImportOptions = { ...d.opts, ...user, format };
  if (opts.tz !== undefined && !isTimeZone(opts.tz))
    throw new ConfigError('--tz', `unknown time zone '${opts.tz}'; use an IANA name such as Europe/London`);
  const explicit = new Set<'kind' | 'zip' | 'timeZone'>();
  if (options.facilityKind) explicit.add('kind');
  if (options.zip) explicit.add('zip');
  if (options.tz) explicit.add('timeZone');
  const facilityId = slug(opts.facility ?? d.facility);
  const facility: FacilityInfo = {
    orgId: slug(opts.org ?? 'default'),
    id: facilityId,
    name: opts.facility ?? d.facility,
    kind: opts.facilityKind ?? d.kind,
    zip: opts.zip ?? null,
    address: null,
    timeZone: opts.tz ?? 'UTC',
    explicit,
    chosen: options.facility !== undefined,
  };
  const catalog = new CatalogBuilder(store, facility);
  const rejects = new RejectLog(opts.quarantineDir ?? join('.loadscope', 'quarantine'), shown);
  const at: RecordAt = { line: 0, buf: null, start: 0, end: 0 };
  const out = new BatchWriter(store, catalog, {
    // DuckDB: four row groups per transaction, which DuckDB writes straight to the file (fewer
    // commits and no second write through the WAL; 22 % less CPU than 100,000 on 10 M readings).
    size: opts.batchSize ?? (store.kind === 'duckdb' ? 491_520 : 100_000),
    concurrency: opts.concurrency ?? (store.kind === 'postgres' ? 2 : 1),
    onOutOfRange(channel, ts, value) {
      const unit = catalog.channelUnits[channel] ?? 'W';
      const id = catalog.channelIds[channel] ?? '';
      const raw = at.buf
        ? at.buf.toString('utf8', at.start, at.end)
        : JSON.stringify({ channel: id, ts, value });
      rejects.reject(
        at.line,
        'value',
        OUT_OF_RANGE,
        `channel '${id}': ${physicalRangeError(unit, value)}`,
        raw,
      );
    },
  });
  const source = tcp
    ? openTcpSource(options.path, { signal: hooks.signal, reconnect: !opts.once, onStatus: hooks.onStatus })
    : isDir
      ? null
      : await openSource(options.path, hooks.signal);
  const total = source?.size ?? 0;
  let last = 0;
  // Formats that read in a worker (Green Button) report the bytes they consumed only through ticks.
  let consumed = 0;
  const ctx: FormatContext = {
    file: shown,
    opts,
    catalog,
    out,
    rejects,
    signal: hooks.signal,
    at,
    rows: 0,
    full: () => opts.limitRows !== undefined && ctx.rows >= opts.limitRows,
    tick(bytesRead) {
      consumed = Math.max(consumed, bytesRead);
      const now = performance.now();
      if (hooks.onProgress && (now - last >= PROGRESS_EVERY_MS || bytesRead >= total)) {
        last = now;
        hooks.onProgress({
          file: shown,
          bytesRead,
          bytesTotal: total,
          rows: ctx.rows,
          readings: out.readings,
        });
      }
    },
  };
  const impl: Format = FORMATS[format];
  try {
    await impl.run(ctx, source);
    await out.finish();
  } catch (err) {
    await out.settle();
    throw err;
  } finally {
    await rejects.close();
  }
  return {
    file: shown,
    format,
    rows: ctx.rows,
    readings: out.readings,
    stored: out.stored,
    duplicates: out.duplicates,
    rejected: rejects.count,
    byReason: rejects.byReason,
    skipped: rejects.skipped,
    quarantine: rejects.path,
    channels: catalog.channelIds.slice(),
    facilities: catalog.facilityIds,
    bytes: Math.max(source?.bytesRead() ?? 0, consumed),
    seconds: (performance.now() - t0) / 1000,
  };
}
