/**
 * Parquet output on several cores: each worker thread generates a shard of the meters (meter index
 * modulo the worker count) and writes its own part files `readings-w<k>-<part>.parquet`; worker 0
 * also writes `channels.parquet`. The same options and worker count give the same files.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ExternalError } from '../../errors.ts';
import type { FleetOptions } from '../options.ts';
import type { ParquetWorkerData } from './parquet-worker.ts';

/** Writes [from, to) of the fleet defined by `options` with `workers` threads; returns the readings written. */
export async function writeParquetParallel(
  options: FleetOptions,
  r: { from: number; to: number; dir: string; workers: number },
): Promise<number> {
  const boot = fileURLToPath(new URL('./worker-boot.mjs', import.meta.url));
  // .ts under src/ (tsx), .js under the compiled dist/.
  const entry = new URL(`./parquet-worker${extname(import.meta.url)}`, import.meta.url).href;
  const counts = await Promise.all(
    Array.from({ length: r.workers }, (_, index) => {
      const data: ParquetWorkerData = {
        entry,
        options,
        from: r.from,
        to: r.to,
        dir: r.dir,
        shard: { index, count: r.workers },
      };
      return new Promise<number>((resolve, reject) => {
        const w = new Worker(boot, { workerData: data });
        let n: number | undefined;
        w.on('message', (m: { readings: number }) => (n = m.readings));
        w.on('error', (e: unknown) =>
          reject(new ExternalError('worker', `Parquet worker ${index} failed: ${String(e)}`, { cause: e })),
        );
        w.on('exit', (code) =>
          code === 0 && n !== undefined
            ? resolve(n)
            : reject(new ExternalError('worker', `Parquet worker ${index} exited with ${code}`)),
        );
      });
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}
