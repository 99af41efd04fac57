/**
 * Worker thread of the UtilityAPI JSON reader: the nesting check and `JSON.parse` of the whole file
 * run here, not on the server's event loop; the document goes back in slices (see
 * utilityapi-json-parts.ts), a group of slices per message, each after the main thread asks for more.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { findTooDeep } from '../json-depth.ts';
import {
  type JsonPart,
  type JsonWorkerData,
  type JsonWorkerMessage,
  SLICE,
  slices,
} from './utilityapi-json-parts.ts';

const port = parentPort!;
const data = workerData as JsonWorkerData;
let resume: (() => void) | undefined;
port.on('message', (m) => {
  if (m === 'more') resume?.();
});
const more = (): Promise<void> => new Promise<void>((r) => (resume = r));
const post = (m: JsonWorkerMessage): void => port.postMessage(m);

/** Posts the document's parts, about four slices per message, waiting for the main thread in between. */
async function run(): Promise<void> {
  const bytes = Buffer.from(data.bytes.buffer, data.bytes.byteOffset, data.bytes.byteLength);
  const deep = findTooDeep(bytes, data.maxDepth);
  if (deep) return post({ type: 'too-deep', line: deep.line, column: deep.column });
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    return post({ type: 'bad-json', message: e instanceof Error ? e.message : String(e) });
  }
  const root = (Array.isArray(doc) ? { intervals: doc } : doc) as Record<string, unknown> | null;
  const intervals = root && typeof root === 'object' ? root['intervals'] : undefined;
  const meta =
    root && typeof root === 'object' && root['meta'] !== undefined ? JSON.stringify(root['meta']) : null;
  post({ type: 'root', meta, hasIntervals: Array.isArray(intervals) });
  if (!Array.isArray(intervals)) return;
  let group: JsonPart[] = [];
  let size = 0;
  for (const part of slices(intervals)) {
    group.push(part);
    size += part.k === 'block' ? 1 : SLICE;
    if (size >= 4 * SLICE) {
      post({ type: 'parts', parts: group });
      group = [];
      size = 0;
      await more();
    }
  }
  if (group.length) {
    post({ type: 'parts', parts: group });
    await more();
  }
  post({ type: 'end' });
}

await run();
port.close();
