// Worker-thread bootstrap: registers tsx so the worker can load the TypeScript shard code, then runs it.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
