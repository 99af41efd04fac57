import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Executor } from '../executor.ts';
import { readManifest, stagePaths } from '../staging.ts';
import type { SlurmCli } from './slurm-cli.ts';

/** Options of the Slurm executor: a partition and a folder every node sees are all it needs. */
export interface SlurmExecutorOptions {
  cli: SlurmCli;
  partition: string;
  /** Array tasks running at once (`%N` of --array); default: no limit. */
  maxParallel?: number;
  /** How often the queue is polled, ms. */
  pollMs?: number;
}

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SHARD_MAIN_JS = new URL('../shard-main.js', import.meta.url);

/** Runs shards as a Slurm job array: one `sbatch` per attempt, followed with `squeue` and `scontrol`. */
export function createSlurmExecutor(opts: SlurmExecutorOptions): Executor {
  const pollMs = opts.pollMs ?? 1000;
  return {
    kind: 'slurm',
    async run(dir, indexes, onEvent, signal) {
      if (indexes.length === 0) return;
      const manifest = await readManifest(dir);
      const script = join(dir, `slurm-${Date.now()}.sbatch`);
      await writeFile(script, batchScript(dir, manifest.id, indexes, opts));
      const jobId = await opts.cli.sbatch(script);
      onEvent({ type: 'submitted', externalId: jobId });
      onEvent({
        type: 'log',
        index: null,
        level: 'info',
        message: `submitted Slurm job ${jobId} (array ${indexes.join(',')}) to partition ${opts.partition}`,
      });
      const open = new Set(indexes);
      const started = new Set<number>();
      let cancelled = false;
      const onAbort = () => {
        cancelled = true;
        opts.cli.scancel(jobId).catch(() => undefined);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        while (open.size > 0) {
          const queued = await opts.cli.squeue(jobId);
          for (const index of [...open]) {
            const state = queued.get(index);
            if (state !== undefined) {
              if (state !== 'PENDING' && !started.has(index)) {
                started.add(index);
                onEvent({ type: 'started', index });
              }
              continue;
            }
            // Gone from the queue: it ended. Its output file, written atomically, says whether it succeeded.
            open.delete(index);
            if (!started.has(index)) onEvent({ type: 'started', index });
            if (await exists(stagePaths.output(dir, index))) onEvent({ type: 'succeeded', index });
            else
              onEvent({
                type: 'failed',
                index,
                error: await failureReason(opts.cli, jobId, index, dir, cancelled),
              });
          }
          if (open.size > 0) await sleep(pollMs);
        }
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    },
  };
}

/**
 * The command that runs one shard: the compiled shard runner when this code runs from dist/ (what
 * `npm start` and bin/loadscope.js run), else the TypeScript source through tsx (tests, a checkout).
 */
function shardCommand(): string[] {
  if (import.meta.url.endsWith('.js')) return [process.execPath, fileURLToPath(SHARD_MAIN_JS)];
  const tsx = join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  return [process.execPath, tsx, join(REPO_ROOT, 'src', 'jobs', 'shard-main.ts')];
}

function batchScript(dir: string, jobId: string, indexes: number[], opts: SlurmExecutorOptions): string {
  const throttle = opts.maxParallel ? `%${opts.maxParallel}` : '';
  return [
    '#!/bin/bash',
    `#SBATCH --job-name=loadscope-${jobId.slice(0, 24)}`,
    `#SBATCH --partition=${opts.partition}`,
    `#SBATCH --array=${indexes.join(',')}${throttle}`,
    `#SBATCH --output=${join(dir, 'logs', 'shard-%a.log')}`,
    '#SBATCH --open-mode=append',
    '#SBATCH --ntasks=1',
    '#SBATCH --cpus-per-task=1',
    `#SBATCH --chdir=${REPO_ROOT}`,
    `exec ${shardCommand()
      .map((a) => JSON.stringify(a))
      .join(' ')} ${JSON.stringify(dir)} "$SLURM_ARRAY_TASK_ID"`,
    '',
  ].join('\n');
}

async function failureReason(
  cli: SlurmCli,
  jobId: string,
  index: number,
  dir: string,
  cancelled: boolean,
): Promise<string> {
  if (cancelled) return 'cancelled';
  const st = await cli.taskState(jobId, index);
  const tail = await readFile(stagePaths.log(dir, index), 'utf8').then(
    (t) => t.trim().split('\n').slice(-3).join(' | '),
    () => '',
  );
  const state = st
    ? `Slurm task ${jobId}_${index} ended ${st.state} (exit ${st.exitCode})`
    : `Slurm task ${jobId}_${index} left the queue without output`;
  return tail ? `${state}: ${tail}` : state;
}

async function exists(path: string): Promise<boolean> {
  try {
    await readFile(path);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
