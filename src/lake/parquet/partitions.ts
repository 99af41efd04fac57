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

/** Every partition folder under `root` with its `*.parquet` files (a file deleted meanwhile is skipped). */
export async function listPartitions(root: string): Promise<PartitionFiles[]> {
  const out: PartitionFiles[] = [];
  for (const org of await subfolders(root, 'org='))
    for (const dayName of await subfolders(join(root, org), 'day=')) {
      const day = dayOfFolder(dayName);
      if (day === undefined) continue;
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
