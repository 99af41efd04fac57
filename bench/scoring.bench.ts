/**
 * Scoring 10,000 facilities with a year of hourly data each (issue 7): the anomalous-load product over staged
 * shard inputs on the local executor (worker threads) and on Slurm with 2 array tasks at a time, each as a
 * ratio to one plain pass over the same staged data in this process (read the files, sum the values).
 * Staging from the store is measured separately (bench/scoring-staging is not part of this figure).
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLocalExecutor } from '../src/jobs/local/local-executor.ts';
import { createSlurmCli } from '../src/jobs/slurm/slurm-cli.ts';
import { createSlurmExecutor } from '../src/jobs/slurm/slurm-executor.ts';
import { stagePaths } from '../src/jobs/staging.ts';
import type { Executor } from '../src/jobs/executor.ts';
import { stageSyntheticScoreJob } from '../src/jobs/testing.ts';
import { timeIt, type Bench, type BenchRow } from './harness.ts';

const bench: Bench = {
  name: 'scoring',
  async run({ quick, tmpDir, log }) {
    const n = quick ? 1_000 : 10_000;
    const shards = 8;
    const hours = 8_760;
    const dirFor = (name: string) => join(tmpDir, name);
    log(`staging ${n} synthetic facilities x ${hours} h in ${shards} shards`);
    await stageSyntheticScoreJob(dirFor('local'), { n, shards, hours, product: 'anomalous-load' });
    const indexes = Array.from({ length: shards }, (_, i) => i);

    const plain = await timeIt(async () => {
      let sum = 0;
      for (const i of indexes) {
        JSON.parse(await readFile(stagePaths.input(dirFor('local'), i), 'utf8'));
        const buf = await readFile(stagePaths.inputBin(dirFor('local'), i));
        const values = new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
        for (let k = 0; k < values.length; k++) sum += values[k] as number;
      }
      return sum;
    });
    log(`plain pass: ${plain.seconds.toFixed(2)} s`);
    const rows: BenchRow[] = [];
    const runWith = async (name: string, executor: Executor, dir: string) => {
      const failures: string[] = [];
      const t = await timeIt(() =>
        executor.run(
          dir,
          indexes,
          (e) => (e.type === 'failed' ? failures.push(e.error) : undefined),
          new AbortController().signal,
        ),
      );
      if (failures.length) throw new Error(`${name}: ${failures.length} shard(s) failed: ${failures[0]}`);
      log(`${name}: ${t.seconds.toFixed(2)} s`);
      rows.push({
        name: `score ${n} facilities x 1 year hourly, ${name}`,
        value: t.seconds,
        unit: 's',
        baseline: { name: 'plain read+sum pass', value: plain.seconds },
        ratio: t.seconds / plain.seconds,
        goal: name.startsWith('local') ? '< 60 s for 10,000 facilities' : 'reported',
        met: name.startsWith('local') ? (quick ? undefined : t.seconds < 60) : undefined,
      });
    };
    await runWith('local executor, 2 worker threads', createLocalExecutor({ workers: 2 }), dirFor('local'));
    const slurmUp = slurmRunning();
    if (slurmUp) {
      await stageSyntheticScoreJob(dirFor('slurm'), { n, shards, hours, product: 'anomalous-load' });
      await runWith(
        'Slurm, 2 array tasks at a time',
        createSlurmExecutor({ cli: createSlurmCli(), partition: 'debug', maxParallel: 2, pollMs: 200 }),
        dirFor('slurm'),
      );
    } else log('Slurm is not running (bash scripts/setup/20-slurm.sh starts it): skipped');
    return rows;
  },
};
export default bench;

function slurmRunning(): boolean {
  try {
    return /idle|mixed|alloc/.test(execFileSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8' }));
  } catch {
    return false;
  }
}
