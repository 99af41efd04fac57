/**
 * Green Button ESPI Atom feeds. The XML is parsed in a worker thread ({@link EspiSax} in
 * espi-worker.ts) and the closed entries come back here, where {@link EspiFeed} links them and the
 * readings are written. A worker that takes longer than the time limit over one chunk of the file is
 * stopped and the import fails with an error saying so: the server's event loop never waits on XML.
 */
import { extname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { InputError } from '../../errors.ts';
import type { Format, FormatContext } from '../format.ts';
import { EspiFeed, type EntryState } from './espi-feed.ts';
import { workerUrl } from '../worker-code.ts';
import type { EspiWorkerData, EspiWorkerMessage } from './espi-worker.ts';

/**
 * Default time limit for parsing one chunk (1 MiB, or 256 KiB of gzip output) of a feed: a good feed
 * takes tens of milliseconds per chunk, so only a hostile or broken file comes near it.
 */
export const ESPI_CHUNK_TIME_LIMIT_MS = 30_000;
/** Heap of the parsing worker, MB: entries are handed over chunk by chunk, so this is never needed. */
const WORKER_HEAP_MB = 512;

/** The Green Button ESPI XML format. */
export const greenbutton: Format = {
  async run(ctx) {
    const feed = new EspiFeed(ctx);
    const url = await workerUrl(new URL(`./espi-worker${extname(import.meta.url)}`, import.meta.url));
    const end = await parseInWorker(ctx, url, async (entries, bytesRead) => {
      for (const e of entries) feed.closeEntry(e);
      await ctx.out.drain();
      ctx.tick(bytesRead);
    });
    ctx.rows = end.rows;
    if (!end.sawRoot)
      throw new InputError('not a Green Button ESPI feed: the file has no XML element', { file: ctx.file });
    if (!end.sawEspi)
      throw new InputError(
        'not a Green Button ESPI feed: no element in the ESPI namespace (http://naesb.org/espi)',
        { file: ctx.file },
      );
    if (end.cut) {
      // The readings of the entry that was open when the data stopped are complete ones: keep them.
      if (end.open?.kind === 'IntervalBlock') feed.closeEntry(end.open);
      ctx.rejects.reject(
        end.cut.line,
        '',
        'truncated',
        `the XML stops being readable here (${end.cut.why}); entries after this point are lost`,
        '',
      );
    }
    feed.finish();
  },
};

type End = Extract<EspiWorkerMessage, { type: 'end' }>;

/** Runs the worker over the imported file, handing each chunk's entries to `onEntries` before asking for more. */
function parseInWorker(
  ctx: FormatContext,
  url: URL,
  onEntries: (entries: EntryState[], bytesRead: number) => Promise<void>,
): Promise<End> {
  const limit = ctx.opts.parseTimeLimitMs ?? ESPI_CHUNK_TIME_LIMIT_MS;
  const data: EspiWorkerData = { path: ctx.opts.path };
  const worker = new Worker(url, {
    workerData: data,
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
  });
  return new Promise<End>((resolve, reject) => {
    let bytes = 0;
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (err: unknown, end?: End): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      ctx.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      if (end) resolve(end);
      else reject(err);
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(
        () =>
          finish(
            new InputError(
              `parsing the XML took longer than ${limit / 1000} s for one chunk after byte ${bytes}; the file is too complex to be a Green Button feed`,
              { file: ctx.file },
            ),
          ),
        limit,
      );
    };
    const onAbort = (): void => finish(ctx.signal!.reason);
    ctx.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: EspiWorkerMessage) => {
      if (done) return;
      clearTimeout(timer);
      if (m.type === 'problem')
        return finish(new InputError(m.problem.message, { file: ctx.file, line: m.problem.line }));
      if (m.type === 'end') return finish(undefined, m);
      bytes = m.bytesRead;
      ctx.rows = m.rows;
      onEntries(m.entries, m.bytesRead).then(
        () => {
          if (done) return;
          arm();
          worker.postMessage('more');
        },
        (err: unknown) => finish(err),
      );
    });
    worker.on('error', (err: Error) =>
      finish(new InputError(`parsing the XML failed: ${err.message}`, { file: ctx.file }, { cause: err })),
    );
    worker.on('exit', (code) => {
      if (!done)
        finish(new InputError(`the XML parser stopped early (exit code ${code})`, { file: ctx.file }));
    });
    arm();
  });
}
