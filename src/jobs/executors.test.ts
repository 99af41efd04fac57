import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScoreShardOutput } from '../scoring/shard-io.ts';
import type { Executor, ShardEvent } from './executor.ts';
import { createLocalExecutor } from './local/local-executor.ts';
import { createSlurmCli } from './slurm/slurm-cli.ts';
import { createSlurmExecutor } from './slurm/slurm-executor.ts';
import { stagePaths } from './staging.ts';
import { stageSyntheticScoreJob } from './testing.ts';

const SLOW_PRODUCT = resolve('test/fixtures/products/slow-product.ts');
const dirs: string[] = [];
// Slurm nodes read the staging folder, so it lives under the project (a shared filesystem on a real cluster).
const tempDir = async () => {
  const d = await mkdtemp(join(process.env['LOADSCOPE_TEST_SHARED'] ?? tmpdir(), 'loadscope-jobs-'));
  dirs.push(d);
  return d;
};
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function runAll(executor: Executor, dir: string, indexes: number[]): Promise<ShardEvent[]> {
  const events: ShardEvent[] = [];
  await executor.run(dir, indexes, (e) => events.push(e), new AbortController().signal);
  return events;
}

async function outputs(dir: string, shards: number): Promise<ScoreShardOutput[]> {
  return Promise.all(
    Array.from(
      { length: shards },
      async (_, i) => JSON.parse(await readFile(stagePaths.output(dir, i), 'utf8')) as ScoreShardOutput,
    ),
  );
}

const slurmUp = (() => {
  try {
    return /idle|mixed|alloc/.test(execFileSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8' }));
  } catch {
    return false;
  }
})();

describe('local executor', () => {
  it('runs every shard on worker threads and writes their outputs', async () => {
    const dir = await tempDir();
    await stageSyntheticScoreJob(dir, { n: 30, shards: 3, hours: 24 * 14, product: 'anomalous-load' });
    const events = await runAll(createLocalExecutor({ workers: 2 }), dir, [0, 1, 2]);
    expect(
      events
        .filter((e) => e.type === 'succeeded')
        .map((e) => (e as { index: number }).index)
        .sort(),
    ).toEqual([0, 1, 2]);
    const out = await outputs(dir, 3);
    expect(out.flatMap((o) => o.scores)).toHaveLength(30);
    const flat = out.flatMap((o) => o.scores).find((s) => s.facilityId === 'f-00007');
    expect(flat?.result?.label).toBe('anomalous: constant load');
  });

  it('reports a shard whose thread dies as failed, and a re-run succeeds', async () => {
    const dir = await tempDir();
    const marker = join(dir, 'crashed');
    await stageSyntheticScoreJob(dir, {
      n: 4,
      shards: 2,
      hours: 48,
      product: 'slow-energy',
      productModule: SLOW_PRODUCT,
      productParams: { crashMarker: marker },
    });
    const first = await runAll(createLocalExecutor({ workers: 1 }), dir, [0, 1]);
    const failed = first.filter((e) => e.type === 'failed');
    expect(failed).toHaveLength(1);
    expect((failed[0] as { error: string }).error).toMatch(/exited with code 137/);
    const again = await runAll(createLocalExecutor({ workers: 1 }), dir, [
      (failed[0] as { index: number }).index,
    ]);
    expect(again.some((e) => e.type === 'succeeded')).toBe(true);
  });
});

describe.skipIf(!slurmUp)('slurm executor (real one-node cluster)', () => {
  it('gives the same outputs as the local executor', async () => {
    const local = await tempDir();
    const slurm = await tempDir();
    for (const d of [local, slurm])
      await stageSyntheticScoreJob(d, { n: 24, shards: 2, hours: 24 * 7, product: 'load-shape' });
    await runAll(createLocalExecutor({ workers: 2 }), local, [0, 1]);
    const events = await runAll(
      createSlurmExecutor({ cli: createSlurmCli(), partition: 'debug', pollMs: 300 }),
      slurm,
      [0, 1],
    );
    expect(events.find((e) => e.type === 'submitted')).toBeDefined();
    expect(events.filter((e) => e.type === 'succeeded')).toHaveLength(2);
    expect(await outputs(slurm, 2)).toEqual(await outputs(local, 2));
  });

  it('reports a shard killed with SIGKILL mid-run as failed, with Slurm state', async () => {
    const dir = await tempDir();
    await stageSyntheticScoreJob(dir, {
      n: 6,
      shards: 1,
      hours: 48,
      product: 'slow-energy',
      productModule: SLOW_PRODUCT,
      productParams: { sleepMs: 2000 },
    });
    const executor = createSlurmExecutor({ cli: createSlurmCli(), partition: 'debug', pollMs: 300 });
    const killer = (async () => {
      for (let i = 0; i < 200; i++) {
        const pid = Number(await readFile(stagePaths.pid(dir, 0), 'utf8').catch(() => ''));
        if (pid > 0) {
          process.kill(pid, 'SIGKILL');
          return pid;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      return 0;
    })();
    const events = await runAll(executor, dir, [0]);
    expect(await killer).toBeGreaterThan(0);
    const failed = events.find((e) => e.type === 'failed') as { error: string } | undefined;
    expect(failed?.error).toMatch(/Slurm task \d+_0/);
    await writeFile(join(dir, 'note'), 'killed once');
  }, 120_000);
});
