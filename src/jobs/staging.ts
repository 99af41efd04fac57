/**
 * The staging folder of a job, on a filesystem every executor can read (local disk, or the folder shared with
 * Slurm nodes). The coordinator writes `job.json` and one input per shard; a shard writes its output
 * atomically (temporary file, then rename), so a killed shard leaves no half-written output.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobKind } from './types.ts';

/** What every shard reads first. */
export interface StagedJobManifest {
  id: string;
  /** A job kind, or `batch`: a task of the sharded batch layer (src/batch/shards/), not a stored job. */
  kind: JobKind | 'batch';
  target: string;
  shards: number;
  params: Record<string, unknown>;
}

/** Paths inside a staging folder. */
export const stagePaths = {
  manifest: (dir: string) => join(dir, 'job.json'),
  input: (dir: string, i: number) => join(dir, `shard-${i}.in.json`),
  inputBin: (dir: string, i: number) => join(dir, `shard-${i}.in.bin`),
  output: (dir: string, i: number) => join(dir, `shard-${i}.out.json`),
  pid: (dir: string, i: number) => join(dir, `shard-${i}.pid`),
  log: (dir: string, i: number) => join(dir, 'logs', `shard-${i}.log`),
  shared: (dir: string, name: string) => join(dir, `${name}.json`),
};

/** Creates the folder and writes the manifest. */
export async function writeManifest(dir: string, manifest: StagedJobManifest): Promise<void> {
  await mkdir(join(dir, 'logs'), { recursive: true });
  await writeFile(stagePaths.manifest(dir), JSON.stringify(manifest));
}

/** Reads the manifest. */
export async function readManifest(dir: string): Promise<StagedJobManifest> {
  return JSON.parse(await readFile(stagePaths.manifest(dir), 'utf8')) as StagedJobManifest;
}

/** Writes a file so that readers see either nothing or the whole content. */
export async function writeAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, path);
}

/** Reads a JSON file, or undefined when it does not exist. */
export async function readJsonIfExists<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
