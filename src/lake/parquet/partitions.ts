/** Walking the partition folders of a lake. */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { dayOfFolder } from './layout.ts';

/** One partition folder and its published files, sorted by name (the order they were written in). */
export interface PartitionFiles {
  /** Absolute folder path. */
  folder: string;
  day: string;
  files: { name: string; bytes: number }[];
}

async function subfolders(dir: string, prefix: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  return entries.filter((e) => e.isDirectory() && e.name.startsWith(prefix)).map((e) => e.name);
}

/** Which partitions to list: one organisation, UTC days from `fromDay` to `toDay` (inclusive, `YYYY-MM-DD`). */
export interface PartitionFilter {
  orgId?: string;
  fromDay?: string;
  toDay?: string;
}

/**
 * Every partition folder under `root` (or those the filter selects, without walking the others) with
 * its `*.parquet` files (a file deleted meanwhile is skipped).
 */
export async function listPartitions(root: string, filter: PartitionFilter = {}): Promise<PartitionFiles[]> {
  const out: PartitionFiles[] = [];
  const orgs = filter.orgId === undefined ? await subfolders(root, 'org=') : [`org=${filter.orgId}`];
  for (const org of orgs)
    for (const dayName of await subfolders(join(root, org), 'day=')) {
      const day = dayOfFolder(dayName);
      if (day === undefined) continue;
      if (filter.fromDay !== undefined && day < filter.fromDay) continue;
      if (filter.toDay !== undefined && day > filter.toDay) continue;
      for (const shard of await subfolders(join(root, org, dayName), 'shard=')) {
        const folder = join(root, org, dayName, shard);
        out.push({ folder, day, files: await listFiles(folder) });
      }
    }
  return out;
}

/** The `*.parquet` files of one partition folder, sorted by name, with their sizes. */
export async function listFiles(folder: string): Promise<PartitionFiles['files']> {
  const names = (await readdir(folder).catch(() => [] as string[]))
    .filter((n) => n.endsWith('.parquet'))
    .sort();
  const files: PartitionFiles['files'] = [];
  for (const name of names) {
    const s = await stat(join(folder, name)).catch(() => undefined);
    if (s) files.push({ name, bytes: s.size });
  }
  return files;
}
