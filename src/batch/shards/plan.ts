/**
 * Which task reads which lake partitions: the lake's meter shards (`shard=` folders) are dealt to the
 * tasks by size, largest first, each to the task with the fewest bytes so far. A task gets whole meter
 * shards over every day: a channel's readings are then all in one task, which is what its rollups
 * (the interval to the next reading crosses days) and its thresholds (its whole history) need.
 */
import { basename } from 'node:path';
import { listPartitions } from '../../lake/parquet/partitions.ts';
import type { PlannedTask } from './partials.ts';

/** Tasks for at most `wanted` tasks over the lake at `lakeDir`; fewer when it has fewer meter shards. */
export async function planTasks(lakeDir: string, wanted: number): Promise<PlannedTask[]> {
  const byShard = new Map<number, PlannedTask>();
  for (const p of await listPartitions(lakeDir)) {
    if (p.files.length === 0) continue;
    const shard = Number(/^shard=(\d+)$/.exec(basename(p.folder))?.[1]);
    if (!Number.isInteger(shard)) continue;
    const t = byShard.get(shard) ?? { shards: [shard], partitions: [], bytes: 0 };
    t.partitions.push({ folder: p.folder, files: p.files.map((f) => f.name) });
    t.bytes += p.files.reduce((n, f) => n + f.bytes, 0);
    byShard.set(shard, t);
  }
  const shards = [...byShard.values()].sort((a, b) => b.bytes - a.bytes || a.shards[0]! - b.shards[0]!);
  const tasks: PlannedTask[] = Array.from({ length: Math.min(wanted, shards.length) }, () => ({
    shards: [],
    partitions: [],
    bytes: 0,
  }));
  for (const s of shards) {
    const t = tasks.reduce((min, x) => (x.bytes < min.bytes ? x : min));
    t.shards.push(...s.shards);
    t.partitions.push(...s.partitions);
    t.bytes += s.bytes;
  }
  for (const t of tasks) t.shards.sort((a, b) => a - b);
  return tasks;
}
