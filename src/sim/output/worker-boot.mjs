// Worker-thread bootstrap: runs the worker's entry module; registers tsx first when the entry is
// TypeScript (running from src/), not when it is compiled JavaScript (dist/), which needs no loader.
import { workerData } from 'node:worker_threads';

if (workerData.entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(workerData.entry);
