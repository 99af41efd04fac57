import { writeFile } from 'node:fs/promises';
import { loadShardFn } from './shard-registry.ts';
import { readManifest, stagePaths, writeAtomic } from './staging.ts';

/**
 * Runs one shard in the current process or thread: records the pid (so an operator or a test can kill it),
 * computes, and writes the output atomically. Throws when the computation fails.
 */
export async function runShard(
  dir: string,
  index: number,
  log: (message: string) => void = () => undefined,
): Promise<void> {
  await writeFile(stagePaths.pid(dir, index), String(process.pid));
  const manifest = await readManifest(dir);
  const fn = await loadShardFn(manifest.kind);
  const output = await fn(dir, index, manifest, log);
  await writeAtomic(stagePaths.output(dir, index), JSON.stringify(output));
}
