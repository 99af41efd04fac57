/**
 * Issue 12, the batch on a cluster: the full batch as 1, 2 and 4 tasks over the lake's meter shards,
 * on worker threads and as a Slurm job array on the one-node cluster (2 CPUs), against the
 * single-process `batch --full` over the same readings in the same store, in the same run. Each row
 * gives the wall time and its ratio to the single-process run; the log adds each task's own seconds,
 * the reduce's, and the cost per task per million readings that docs/batch.md turns into a model
 * for N nodes.
 */
import { loadavg } from 'node:os';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { runBatch } from '../src/batch/run-batch.ts';
import { localWorkers, runShardedBatch, type ShardedBatchSummary } from '../src/batch/shards/run-sharded.ts';
import { fleetDay, seedShardFleet, type ShardFleetSize } from '../src/batch/shards/testing.ts';
import { createLocalExecutor } from '../src/jobs/local/local-executor.ts';
import { createSlurmCli } from '../src/jobs/slurm/slurm-cli.ts';
import { createSlurmExecutor } from '../src/jobs/slurm/slurm-executor.ts';
import { openParquetLake } from '../src/lake/parquet/index.ts';
import { createDuckdbStore } from '../src/store/duckdb/index.ts';
import { timeIt, type Bench, type BenchRow } from './harness.ts';

const TASKS = [1, 2, 4] as const;
const load = () => `load ${loadavg()[0]!.toFixed(1)}`;

const slurmUp = (): boolean => {
  try {
    return /idle|mixed|alloc/.test(execFileSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8' }));
  } catch {
    return false;
  }
};

const bench: Bench = {
  name: 'batch-shards',
  async run({ quick, tmpDir, log }) {
    const size: ShardFleetSize = {
      facilities: quick ? 24 : 60,
      metersPerFacility: 2,
      start: Date.parse('2024-03-01T00:00:00Z'),
      days: quick ? 7 : 28,
      stepMs: quick ? 60_000 : 10_000,
    };
    const store = await createDuckdbStore({ path: join(tmpDir, 'store.duckdb') });
    await store.migrate();
    const lakeDir = join(tmpDir, 'lake');
    const rows: BenchRow[] = [];
    try {
      const channels = await seedShardFleet(store, size);
      const place = new Map(channels.map((c) => [c.id, { orgId: 'org-s', meterId: c.meterId }]));
      const lake = await openParquetLake({ dir: lakeDir, place: (id) => place.get(id), compactEveryMs: 0 });
      let readings = 0;
      try {
        for (let day = 0; day < size.days; day++) {
          const b = fleetDay(channels, day, size);
          await store.readings.write(b);
          await lake.append(b);
          readings += b.length;
        }
        await lake.flush();
        await lake.compact({ all: true });
      } finally {
        await lake.close();
      }
      const millions = readings / 1e6;
      log(`${readings} readings, ${channels.length} channels, ${size.days} days (${load()})`);

      const single = await timeIt(() =>
        runBatch({ rollups: store.rollups, changes: store.readings, now: Date.now }, { full: true }),
      );
      log(`single-process batch --full: ${single.seconds.toFixed(2)} s (${load()})`);
      rows.push({
        name: `single-process batch --full, ${millions.toFixed(1)} M readings`,
        value: single.seconds,
        unit: 's',
      });

      const executors = [
        ['local', (n: number) => createLocalExecutor({ workers: localWorkers(n) })],
        ...(slurmUp()
          ? ([
              [
                'slurm',
                () => createSlurmExecutor({ cli: createSlurmCli(), partition: 'debug', pollMs: 250 }),
              ],
            ] as const)
          : []),
      ] as const;
      if (!slurmUp()) log('Slurm is not running (bash scripts/setup/20-slurm.sh): Slurm rows skipped');
      for (const [kind, make] of executors)
        for (const n of TASKS) {
          const r = await timeIt(() =>
            runShardedBatch(
              { store, lakeDir, stagingDir: join(tmpDir, 'jobs'), executor: make(n), now: Date.now },
              { shards: n },
            ),
          );
          const s: ShardedBatchSummary = r.result;
          const perTask = s.taskSeconds.map((t) => t.toFixed(2)).join(', ');
          const taskCpu = s.taskSeconds.reduce((a, b) => a + b, 0) / millions;
          log(
            `${kind} ${n} task(s): ${r.seconds.toFixed(2)} s wall; tasks ${perTask} s; reduce ${s.reduceSeconds.toFixed(2)} s; ` +
              `${taskCpu.toFixed(2)} task-s per M readings (${load()})`,
          );
          rows.push({
            name: `${kind} ${n} task(s) batch --full`,
            value: r.seconds,
            unit: 's',
            baseline: { name: 'single-process', value: single.seconds },
            ratio: r.seconds / single.seconds,
          });
          rows.push({
            name: `${kind} ${n} task(s): slowest task`,
            value: Math.max(...s.taskSeconds),
            unit: 's',
          });
          rows.push({
            name: `${kind} ${n} task(s): task seconds per M readings`,
            value: taskCpu,
            unit: 's/M',
          });
          rows.push({ name: `${kind} ${n} task(s): reduce`, value: s.reduceSeconds, unit: 's' });
        }
      return rows;
    } finally {
      await store.close();
    }
  },
};

export default bench;
