// Worker-thread bootstrap: registers tsx so that the worker can load TypeScript, then runs its entry.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
