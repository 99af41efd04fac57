/**
 * `loadscope lake ...`: the Parquet lake from the shell. `status` shows what it holds, `compact`
 * merges small files (also a partition another process's crash left half compacted), `count` counts
 * readings, each (channel, timestamp) once. Opening the lake also publishes the spools of writers
 * that died, so `status` after a crash shows everything acknowledged.
 */
import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';
import { ConfigError, InputError } from '../errors.ts';
import { openParquetLake } from './parquet/index.ts';
import type { Lake, LakeQuery } from './port.ts';

/** Parses an ISO 8601 time (or UTC ms) of option `field`. */
function timeOption(raw: string | undefined, field: string): number | undefined {
  if (raw === undefined) return undefined;
  const t = /^-?\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(t))
    throw new InputError(`'${raw}' is not a time: expected ISO 8601 (2025-01-31T00:00Z) or UTC ms`, {
      field,
    });
  return t;
}

/** Opens the configured lake for maintenance (it appends nothing, so it places no channel). */
async function openLake(ctx: CliContext): Promise<Lake> {
  const config = ctx.config();
  if (config.lake.dir === null)
    throw new ConfigError('LOADSCOPE_LAKE', "the lake is off ('off'); set it to the lake folder");
  return openParquetLake({
    dir: config.lake.dir,
    place: () => undefined,
    shards: config.log.partitions,
    compactEveryMs: 0,
  });
}

/** Runs `fn` on the lake and closes it. */
async function withLake(ctx: CliContext, fn: (lake: Lake) => Promise<void>): Promise<void> {
  const lake = await openLake(ctx);
  try {
    await fn(lake);
  } finally {
    await lake.close();
  }
}

/** Registers `loadscope lake`. */
export function registerLakeCommands(program: Command, ctx: CliContext): void {
  const lake = program
    .command('lake')
    .description('the Parquet lake of raw readings (org=/day=/shard= folders)');
  lake
    .command('status')
    .description('folder, partitions, files and bytes of the lake')
    .action(() =>
      withLake(ctx, async (l) => {
        const s = await l.status();
        ctx.out.write(
          `lake ${s.dir}\npartitions ${s.partitions}\nfiles ${s.files}\nbytes ${s.bytes}\n` +
            `read with: read_parquet('${s.dir}/org=*/day=*/shard=*/*.parquet', hive_partitioning = true)\n`,
        );
      }),
    );
  lake
    .command('compact')
    .description('merge small files per partition, removing repeated (channel, timestamp) readings')
    .option('--all', 'also partitions of the current day with fewer small files than the threshold')
    .action((opts: { all?: boolean }) =>
      withLake(ctx, async (l) => {
        const r = await l.compact({ all: opts.all ?? false });
        ctx.out.write(
          `compacted ${r.partitions} partitions: ${r.filesIn} files into ${r.filesOut}, ${r.duplicatesRemoved} repeated readings removed\n`,
        );
      }),
    );
  lake
    .command('count')
    .description('readings in the lake, each (channel, timestamp) once')
    .option('--org <id>', 'of one organisation')
    .option('--channel <id...>', 'of these channels')
    .option('--from <time>', 'from this time (ISO 8601 or UTC ms, inclusive)')
    .option('--to <time>', 'to this time (exclusive)')
    .action((opts: { org?: string; channel?: string[]; from?: string; to?: string }) =>
      withLake(ctx, async (l) => {
        const q: LakeQuery = {};
        if (opts.org !== undefined) q.orgId = opts.org;
        if (opts.channel !== undefined) q.channelIds = opts.channel;
        const from = timeOption(opts.from, 'from');
        const to = timeOption(opts.to, 'to');
        if (from !== undefined) q.from = from;
        if (to !== undefined) q.to = to;
        ctx.out.write(`${await l.count(q)}\n`);
      }),
    );
}
