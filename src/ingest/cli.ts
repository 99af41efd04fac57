/**
 * `loadscope import [options] FILE...`: imports files (format detected or given) into the configured
 * store, with a progress bar on a terminal and a summary per file.
 */
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import type { CliContext } from '../cli/context.ts';
import { FACILITY_KINDS, MEASUREMENTS } from '../domain/types.ts';
import { ConfigError, InputError } from '../errors.ts';
import { importFile } from './import-file.ts';
import { createProgress } from './progress.ts';
import { formatSummary, totals } from './summary.ts';
import { IMPORT_FORMATS, type ImportOptions, type ImportSummary, TS_FORMATS } from './types.ts';

interface ImportCliOptions extends Omit<ImportOptions, 'path' | 'intervalMs' | 'batchSize' | 'limitRows'> {
  interval?: string;
  limit?: string;
  json?: boolean;
  strict?: boolean;
}

/** Registers the ingest feature's commands. */
export function registerImportCommands(program: Command, ctx: CliContext): void {
  program
    .command('import')
    .description(
      'import meter data files (CSV long/wide, REFIT, AMPds, REDD, Green Button XML, UtilityAPI CSV/JSON, DSMR P1 telegrams, SML), or follow a meter gateway (tcp://host:port, DSMR or --format sml)',
    )
    .argument(
      '<files...>',
      'files (plain or .gz), REDD low_freq house directories, or tcp://host:port of a P1 gateway',
    )
    .addOption(
      new Option('--format <format>', 'file format (detected when omitted)').choices([...IMPORT_FORMATS]),
    )
    .option('--org <id>', 'organisation id (created when missing)', 'default')
    .option('--facility <id>', 'facility id (default from the file name)')
    .addOption(new Option('--facility-kind <kind>', 'facility kind').choices([...FACILITY_KINDS]))
    .option('--zip <code>', 'facility zip code')
    .option('--tz <zone>', 'IANA time zone of local timestamps and of the facility (e.g. Europe/London)')
    .option('--meter <name>', 'meter name for formats without a meter column (default main)')
    .option('--ts-col <name>', 'timestamp column')
    .option('--value-col <name>', 'value column (long CSV)')
    .option('--channel-col <name>', 'channel column (long CSV)')
    .option('--meter-col <name>', 'meter column (long CSV)')
    .option('--unit-col <name>', 'unit column (long CSV)')
    .addOption(new Option('--ts-format <f>', 'timestamp format').choices([...TS_FORMATS]))
    .option('--unit <unit>', 'unit of the values when the file does not say (W, kW, Wh, kWh, m3, therm, ...)')
    .addOption(new Option('--measurement <m>', 'what the values are').choices([...MEASUREMENTS]))
    .option('--interval <seconds>', 'sampling or interval length in seconds')
    .option('--start <time>', 'start time for files with relative seconds (ISO-8601 or unix seconds)')
    .option('--limit <rows>', 'import only the first N data rows of each file (a preview)')
    .option('--quarantine-dir <dir>', 'where rejected rows are written (default <state>/quarantine)')
    .option('--once', 'tcp:// sources: stop when the gateway closes the connection (default: reconnect)')
    .option('--json', 'print the summaries as JSON')
    .option('--strict', 'exit with status 65 when any row was rejected')
    .action(async (files: string[], o: ImportCliOptions) => {
      const store = await ctx.store();
      const quarantineDir = o.quarantineDir
        ? ctx.resolvePath(o.quarantineDir)
        : join(ctx.config().dataDir, 'quarantine');
      let intervalMs: number | undefined;
      if (o.interval !== undefined) {
        const s = Number(o.interval);
        if (!(s > 0)) throw new ConfigError('--interval', `expected seconds > 0, got '${o.interval}'`);
        intervalMs = Math.round(s * 1000);
      }
      let limitRows: number | undefined;
      if (o.limit !== undefined) {
        limitRows = Number(o.limit);
        if (!Number.isInteger(limitRows) || limitRows < 1)
          throw new ConfigError('--limit', `expected a whole number of rows > 0, got '${o.limit}'`);
      }
      const progress = createProgress(ctx.err);
      const abort = new AbortController();
      const onSignal = (): void => abort.abort(new InputError('import interrupted'));
      ctx.signal.addEventListener('abort', onSignal, { once: true });
      const summaries: ImportSummary[] = [];
      try {
        for (const file of files) {
          // A P1 gateway (tcp://host:port) is not a file.
          const path = /^[a-z]+:\/\//i.test(file) ? file : ctx.resolvePath(file);
          const { json: _j, strict: _s, interval: _i, limit: _l, ...rest } = o;
          const s = await importFile(
            store,
            { ...rest, path, quarantineDir, intervalMs, limitRows },
            {
              onProgress: (p) => progress.update(p),
              signal: abort.signal,
              onStatus: (status, detail) => ctx.err.write(`${path}: ${status} (${detail})\n`),
            },
          );
          progress.done();
          summaries.push(s);
          if (!o.json) ctx.out.write(formatSummary(s) + '\n');
        }
      } finally {
        progress.done();
        ctx.signal.removeEventListener('abort', onSignal);
      }
      const t = totals(summaries);
      if (o.json) ctx.out.write(JSON.stringify({ files: summaries, totals: t }, null, 2) + '\n');
      else if (summaries.length > 1) {
        ctx.out.write(
          `total: ${t.rows} rows, ${t.readings} readings, ${t.stored} stored, ${t.duplicates} duplicates, ${t.rejected} rejected\n`,
        );
      }
      if (o.strict && t.rejected > 0) ctx.setExitCode(65);
    });
}
