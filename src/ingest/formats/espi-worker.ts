/**
 * Worker thread of the Green Button reader: reads the file and runs {@link EspiSax} over it, so that a
 * slow or hostile XML file costs this thread, not the server's event loop. After each chunk it posts
 * the entries closed so far and waits for `more`: the main thread writes them before asking for
 * more, which bounds memory and lets it stop a worker that takes too long over one chunk.
 */
import { StringDecoder } from 'node:string_decoder';
import { parentPort, workerData } from 'node:worker_threads';
import { openSource } from '../source.ts';
import type { EntryState } from './espi-feed.ts';
import { type EspiProblem, EspiSax } from './espi-sax.ts';

/** What the main thread passes to the worker. */
export interface EspiWorkerData {
  path: string;
}

/** Messages from the worker: a chunk's entries, the end of the feed, or a problem that ends it. */
export type EspiWorkerMessage =
  | { type: 'entries'; entries: EntryState[]; rows: number; bytesRead: number }
  | {
      type: 'end';
      rows: number;
      bytesRead: number;
      sawRoot: boolean;
      sawEspi: boolean;
      /** Why the XML or the file stopped being readable, and the line, or null. */
      cut: { why: string; line: number } | null;
      open: EntryState | null;
    }
  | { type: 'problem'; problem: EspiProblem };

const port = parentPort!;
const data = workerData as EspiWorkerData;
let resume: (() => void) | undefined;
port.on('message', (m) => {
  if (m === 'more') resume?.();
});
const more = (): Promise<void> => new Promise<void>((r) => (resume = r));
const post = (m: EspiWorkerMessage): void => port.postMessage(m);

let entries: EntryState[] = [];
const sax = new EspiSax(data.path, (e) => entries.push(e));
const source = await openSource(data.path);
const decoder = new StringDecoder('utf8');
let problem: EspiProblem | undefined;
for await (const chunk of source.chunks()) {
  problem = sax.write(decoder.write(chunk));
  if (problem) break;
  post({ type: 'entries', entries, rows: sax.rows, bytesRead: source.bytesRead() });
  entries = [];
  await more();
  if (sax.broken) break;
}
problem ??= sax.write(decoder.end()) ?? sax.write(null);
if (problem) post({ type: 'problem', problem });
else {
  if (entries.length) post({ type: 'entries', entries, rows: sax.rows, bytesRead: source.bytesRead() });
  const why = source.error() ?? sax.broken;
  post({
    type: 'end',
    rows: sax.rows,
    bytesRead: source.bytesRead(),
    sawRoot: sax.sawRoot,
    sawEspi: sax.sawEspi,
    cut: why ? { why, line: sax.line } : null,
    open: sax.entry,
  });
}
port.close();
