/** Body of a local worker thread: runs one shard and reports back to the executor. */
import { parentPort, workerData } from 'node:worker_threads';
import { runShard } from '../run-shard.ts';

const { dir, index } = workerData as { dir: string; index: number };
await runShard(dir, index, (message) => parentPort?.postMessage({ type: 'log', message }));
parentPort?.postMessage({ type: 'done' });
