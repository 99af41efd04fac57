/**
 * `loadscope batch --executor local|slurm --shards N`: the full batch as tasks over the lake's meter
 * shards, with tasks done/total on stderr (a bar on a terminal, a line per task otherwise).
 */
import cliProgress from 'cli-progress';
import type { CliContext } from '../../cli/context.ts';
import { ConfigError, InputError } from '../../errors.ts';
import { createLocalExecutor } from '../../jobs/local/local-executor.ts';
import { createSlurmCli } from '../../jobs/slurm/slurm-cli.ts';
import { createSlurmExecutor } from '../../jobs/slurm/slurm-executor.ts';
import { EXECUTOR_KINDS, type ExecutorKind } from '../../jobs/types.ts';
import { costLine } from '../../cost/format.ts';
import { priceMeters } from '../../cost/price-meters.ts';
import { parseChoice } from '../cli-options.ts';
import { localWorkers, runShardedBatch } from './run-sharded.ts';

/** Options of `loadscope batch` that choose the sharded run. */
export interface ShardedCliOptions {
  executor?: string;
  shards?: string;
  percentile: number;
}

/** `--shards`: a whole number of at least 1. */
export function parseShards(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new InputError(`expected a whole number of at least 1, got '${raw}'`, { field: '--shards' });
  return n;
}

/** Runs the sharded batch for the CLI and prints its summary. */
export async function runShardedFromCli(ctx: CliContext, o: ShardedCliOptions): Promise<void> {
  const config = ctx.config();
  const kind: ExecutorKind = parseChoice(o.executor ?? config.jobs.executor, EXECUTOR_KINDS, '--executor');
  const shards = parseShards(o.shards ?? '4');
  if (config.lake.dir === null)
    throw new ConfigError(
      'LOADSCOPE_LAKE',
      'the sharded batch (--executor/--shards) reads the lake, which is off (LOADSCOPE_LAKE=off): set LOADSCOPE_LAKE to the lake folder',
    );
  const executor =
    kind === 'slurm'
      ? createSlurmExecutor({ cli: createSlurmCli(), partition: config.jobs.slurmPartition })
      : createLocalExecutor({ workers: localWorkers(shards) });
  const store = await ctx.store();
  const tty = (ctx.err as NodeJS.WriteStream).isTTY === true;
  let bar: cliProgress.SingleBar | undefined;
  try {
    const s = await runShardedBatch(
      {
        store,
        lakeDir: config.lake.dir,
        stagingDir: config.jobs.sharedDir,
        executor,
        now: Date.now,
        costs: () => priceMeters(store, 'all'),
      },
      {
        shards,
        percentile: o.percentile,
        signal: ctx.signal,
        onProgress: ({ done, failed, total }) => {
          if (!tty) {
            if (done + failed > 0)
              ctx.err.write(`batch tasks done ${done}/${total}${failed ? `, ${failed} failed` : ''}\n`);
            return;
          }
          bar ??= new cliProgress.SingleBar(
            { format: 'batch tasks {bar} {value}/{total} {msg}', stream: ctx.err },
            cliProgress.Presets.shades_classic,
          );
          if (!bar.isActive) bar.start(total, done, { msg: '' });
          bar.update(done, { msg: failed ? `${failed} failed` : '' });
        },
      },
    );
    bar?.stop();
    ctx.out.write(
      `batch (full, ${s.tasks} task(s) on ${s.executor}): ${s.readings} readings, ${s.channels} channel(s), ` +
        `${s.hourRows} hourly and ${s.dayRows} daily rows, ${s.thresholds} threshold(s) ${s.thresholdName} ` +
        `in ${s.seconds.toFixed(2)} s (slowest task ${Math.max(0, ...s.taskSeconds).toFixed(2)} s, reduce ${s.reduceSeconds.toFixed(2)} s)\n`,
    );
    if (s.costs) ctx.out.write(costLine(s.costs));
  } finally {
    bar?.stop();
  }
}
