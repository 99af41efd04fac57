import { extname } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Executor, ShardEvent } from '../executor.ts';

/** Options of the local executor. */
export interface LocalExecutorOptions {
  /** Shards running at once (worker threads). */
  workers: number;
}

const BOOT = new URL('./boot.mjs', import.meta.url);
// .ts under src/ (tsx), .js under the compiled dist/.
const ENTRY = new URL(`./shard-worker${extname(import.meta.url)}`, import.meta.url).href;

/** Runs shards on worker threads of this process, `workers` at a time. */
export function createLocalExecutor(opts: LocalExecutorOptions): Executor {
  return {
    kind: 'local',
    async run(dir, indexes, onEvent, signal) {
      const queue = [...indexes];
      const runOne = async (): Promise<void> => {
        for (let index = queue.shift(); index !== undefined; index = queue.shift()) {
          if (signal.aborted) {
            onEvent({ type: 'failed', index, error: 'cancelled' });
            continue;
          }
          onEvent({ type: 'started', index });
          const error = await runInWorker(dir, index, onEvent, signal);
          onEvent(error === undefined ? { type: 'succeeded', index } : { type: 'failed', index, error });
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.workers, indexes.length)) }, runOne));
    },
  };
}

/** Runs one shard on a new worker thread; resolves with an error message, or undefined on success. */
function runInWorker(
  dir: string,
  index: number,
  onEvent: (e: ShardEvent) => void,
  signal: AbortSignal,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const worker = new Worker(BOOT, { workerData: { entry: ENTRY, dir, index } });
    let done = false;
    let error: string | undefined;
    const onAbort = () => {
      error = 'cancelled';
      void worker.terminate();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: { type: 'log'; message: string } | { type: 'done' }) => {
      if (m.type === 'done') done = true;
      else onEvent({ type: 'log', index, level: 'info', message: m.message });
    });
    worker.on('error', (err: unknown) => {
      error = err instanceof Error ? err.message : String(err);
    });
    worker.on('exit', (code) => {
      signal.removeEventListener('abort', onAbort);
      if (done && error === undefined) resolve(undefined);
      else resolve(error ?? `worker exited with code ${code} before the shard finished`);
    });
  });
}
