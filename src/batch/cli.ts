/**
 * The batch feature's commands: `loadscope batch` (rollups and thresholds), `loadscope query`
 * (rollups, thresholds, readings as a table, CSV or JSON) and `loadscope export` (readings or rollups
 * to CSV or Parquet).
 */
import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';
import { InputError } from '../errors.ts';
import { EXPORT_FORMATS } from '../store/ports/readings.ts';
import {
  level,
  outputFormat,
  parseChoice,
  parseLimit,
  parsePercentile,
  parseTime,
  period,
} from './cli-options.ts';
import { isoTime } from '../util/csv.ts';
import { formatRows, type OutputFormat } from './format.ts';
import { costLine } from '../cost/format.ts';
import { priceMeters } from '../cost/price-meters.ts';
import { runBatch } from './run-batch.ts';
import { runShardedFromCli } from './shards/cli-sharded.ts';

const ROLLUP_COLUMNS = [
  'key',
  'name',
  'label',
  'start',
  'unit',
  'energy',
  'meanPower',
  'minPower',
  'maxPower',
  'samples',
  'coverage',
  'channels',
];
const THRESHOLD_COLUMNS = ['channelId', 'name', 'value', 'percentile', 'computedAt', 'from', 'to'];
const READING_COLUMNS = ['channelId', 'time', 'value', 'quality'];
const QUERY_WHATS = ['rollups', 'thresholds', 'readings'] as const;
const EXPORT_WHATS = ['readings', 'rollups'] as const;

interface QueryOpts {
  by: string;
  period: string;
  from?: string;
  to?: string;
  facility?: string;
  meter?: string;
  channel?: string;
  zip?: string;
  mains?: boolean;
  appliances?: boolean;
  name: string;
  limit: string;
  format: string;
}

/** Registers the batch feature's commands. */
export function registerBatchCommands(program: Command, ctx: CliContext): void {
  program
    .command('batch')
    .description(
      'recompute hourly/daily rollups and percentile thresholds (only the days changed since the last run)',
    )
    .option('--full', 'recompute everything')
    .option('--percentile <p>', 'percentile of the thresholds', '97')
    .option(
      '--executor <kind>',
      'run the full batch as tasks over the lake: local (worker threads) or slurm (a job array)',
    )
    .option('--shards <n>', 'tasks of the sharded batch (with --executor; default 4)')
    .action(async (o: { full?: boolean; percentile: string; executor?: string; shards?: string }) => {
      const percentile = parsePercentile(o.percentile);
      if (o.executor !== undefined || o.shards !== undefined) {
        await runShardedFromCli(ctx, { percentile, executor: o.executor, shards: o.shards });
        return;
      }
      const store = await ctx.store();
      const s = await runBatch(
        {
          rollups: store.rollups,
          changes: store.readings,
          now: Date.now,
          costs: (scope) => priceMeters(store, scope),
          retention: store.retention,
        },
        { full: o.full ?? false, percentile },
      );
      ctx.out.write(
        `batch (${s.mode}): ${s.changes} change(s), ${s.channels} channel(s), ${s.days} local day(s), ` +
          `${s.hourRows} hourly and ${s.dayRows} daily rows, ${s.thresholds} threshold(s) ${s.thresholdName} in ${s.seconds.toFixed(2)} s\n`,
      );
      if (s.costs) ctx.out.write(costLine(s.costs));
      for (const k of s.kept ?? [])
        ctx.out.write(
          `  organisation '${k.orgId}': rollups before ${new Date(k.before).toISOString().slice(0, 10)} kept as they were ` +
            "(their readings live only in the lake; 'loadscope batch --executor local' recomputes them from it)\n",
        );
    });

  program
    .command('query')
    .description('print rollups, thresholds or readings')
    .argument('<what>', `one of ${QUERY_WHATS.join(', ')}`)
    .option('--by <level>', 'rollups per channel, meter, facility or zip', 'channel')
    .option('--period <period>', 'day or hour', 'day')
    .option('--from <time>', 'start (UTC ms or ISO-8601), inclusive')
    .option('--to <time>', 'end (UTC ms or ISO-8601), exclusive')
    .option('--facility <id>', 'only this facility')
    .option('--meter <id>', 'only this meter')
    .option('--channel <id>', 'only this channel (required for readings)')
    .option('--zip <code>', 'only this zip code')
    .option('--mains', 'channel rollups of mains channels only (home history)')
    .option('--appliances', 'channel rollups of appliance channels only')
    .option('--name <name>', 'threshold name', 'p97')
    .option('--limit <n>', 'maximum rows', '10000')
    .option('--format <format>', 'table, csv or json', 'table')
    .action(async (whatRaw: string, o: QueryOpts) => {
      const what = parseChoice(whatRaw, QUERY_WHATS, 'query <what>');
      const format = outputFormat(o.format);
      const store = await ctx.store();
      if (what === 'rollups') {
        if (o.mains && o.appliances)
          throw new InputError('give --mains or --appliances, not both', { field: '--mains' });
        const rows = await store.rollups.listRollups({
          level: level(o.by),
          period: period(o.period),
          from: parseTime(o.from, '--from'),
          to: parseTime(o.to, '--to'),
          facilityId: o.facility,
          meterId: o.meter,
          channelId: o.channel,
          zip: o.zip,
          mains: o.mains ? true : o.appliances ? false : undefined,
          limit: parseLimit(o.limit),
        });
        print(ctx, withTimes(rows, ['start']), ROLLUP_COLUMNS, format);
      } else if (what === 'thresholds') {
        const rows = await store.rollups.getThresholds(o.name);
        const filtered = o.channel === undefined ? rows : rows.filter((r) => r.channelId === o.channel);
        print(ctx, withTimes(filtered, ['computedAt', 'from', 'to']), THRESHOLD_COLUMNS, format);
      } else {
        if (o.channel === undefined)
          throw new InputError('query readings needs --channel <id>', { field: '--channel' });
        const from = parseTime(o.from, '--from') ?? 0;
        const to = parseTime(o.to, '--to') ?? 8.64e15;
        const readings = (await store.readings.read(o.channel, from, to)).slice(0, parseLimit(o.limit));
        const rows = readings.map((r) => ({ ...r, time: isoTime(r.ts) }));
        print(ctx, rows, READING_COLUMNS, format);
      }
    });

  program
    .command('export')
    .description('write readings or rollups to a CSV or Parquet file')
    .argument('<what>', `one of ${EXPORT_WHATS.join(', ')}`)
    .requiredOption('--out <file>', 'file to write (overwritten)')
    .option('--format <format>', 'csv or parquet (default: from the file name, else csv)')
    .option('--period <period>', 'rollups: day or hour', 'day')
    .option('--from <time>', 'start (UTC ms or ISO-8601), inclusive')
    .option('--to <time>', 'end (UTC ms or ISO-8601), exclusive')
    .option('--channel <ids...>', 'only these channels')
    .action(
      async (
        whatRaw: string,
        o: { out: string; format?: string; period: string; from?: string; to?: string; channel?: string[] },
      ) => {
        const what = parseChoice(whatRaw, EXPORT_WHATS, 'export <what>');
        const out = ctx.resolvePath(o.out);
        const format = parseChoice(
          o.format ?? (o.out.endsWith('.parquet') ? 'parquet' : 'csv'),
          EXPORT_FORMATS,
          '--format',
        );
        const from = parseTime(o.from, '--from');
        const to = parseTime(o.to, '--to');
        const store = await ctx.store();
        const filters = {
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {}),
          ...(o.channel ? { channelIds: o.channel } : {}),
        };
        const n =
          what === 'readings'
            ? await store.readings.exportReadings({ format, path: out, ...filters })
            : await store.rollups.exportRollups({
                format,
                path: out,
                period: period(o.period),
                ...filters,
              });
        ctx.err.write(
          `exported ${n} ${what === 'readings' ? 'readings' : `${o.period === 'day' ? 'daily' : 'hourly'} rollups`} to ${o.out} (${format})\n`,
        );
      },
    );
}

/** Rows with the named epoch-millisecond fields as ISO 8601 times (the same in table, CSV and JSON). */
function withTimes<T extends object>(
  rows: readonly T[],
  keys: readonly (keyof T & string)[],
): Record<string, unknown>[] {
  return rows.map((r) => {
    const out = { ...r } as Record<string, unknown>;
    for (const k of keys) {
      const v = out[k];
      if (typeof v === 'number') out[k] = isoTime(v);
    }
    return out;
  });
}

function print(
  ctx: CliContext,
  rows: Record<string, unknown>[],
  columns: string[],
  format: OutputFormat,
): void {
  ctx.out.write(formatRows(rows, columns, format));
}
