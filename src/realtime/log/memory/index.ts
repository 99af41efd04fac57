/**
 * The embedded reading log: an in-process queue. Appends coalesce into larger batches for the
 * consumer (store writes are cheaper in bulk); when more than `maxQueued` readings wait, appends wait
 * too, so a burst slows producers instead of growing memory without bound.
 */
import type { ReadingBatch } from '../../../domain/types.ts';
import { InputError } from '../../../errors.ts';
import { concatBatches } from '../../../stream/batch.ts';
import type { BatchHandler, LogSubscription, ReadingLog } from '../port.ts';

/** Options of {@link createMemoryLog}. */
export interface MemoryLogOptions {
  /** Readings queued before appends wait; default 1,000,000. */
  maxQueued?: number;
  /** Largest batch handed to the consumer; default 10,000 readings (bounds the wait of a reading behind a batch). */
  maxBatch?: number;
  /** Called when the handler throws; the batch is retried after a pause (at least once). */
  onError?: (err: unknown) => void;
}

/** Creates an in-process reading log with one consumer. */
export function createMemoryLog(opts: MemoryLogOptions = {}): ReadingLog {
  const maxQueued = opts.maxQueued ?? 1_000_000;
  const maxBatch = opts.maxBatch ?? 10_000;
  const queue: ReadingBatch[] = [];
  let queued = 0;
  let wake: (() => void) | undefined;
  const spaceWaiters: (() => void)[] = [];
  let handler: BatchHandler | undefined;
  let running: Promise<void> | undefined;
  let closed = false;

  const take = (): ReadingBatch | undefined => {
    if (queue.length === 0) return undefined;
    const parts: ReadingBatch[] = [];
    let n = 0;
    while (queue.length && (parts.length === 0 || n + queue[0]!.length <= maxBatch)) {
      const b = queue.shift()!;
      parts.push(b);
      n += b.length;
    }
    return parts.length === 1 ? parts[0] : concatBatches(parts);
  };
  const loop = async (): Promise<void> => {
    while (!closed || queue.length) {
      const batch = take();
      if (!batch) {
        if (closed) break;
        await new Promise<void>((r) => (wake = r));
        continue;
      }
      for (;;) {
        try {
          await handler!(batch);
          break;
        } catch (err) {
          opts.onError?.(err);
          // Bad input never succeeds: reported and dropped; anything else (store down) is retried.
          if (closed || err instanceof InputError) break;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
      queued -= batch.length;
      while (spaceWaiters.length && queued < maxQueued) spaceWaiters.shift()!();
    }
  };
  return {
    async append(batch) {
      if (closed) throw new Error('reading log is closed');
      if (batch.length === 0) return;
      while (queued >= maxQueued) await new Promise<void>((r) => spaceWaiters.push(r));
      queue.push(batch);
      queued += batch.length;
      wake?.();
      wake = undefined;
    },
    async subscribe(h): Promise<LogSubscription> {
      if (handler) throw new Error('the memory log has one consumer');
      handler = h;
      running = loop();
      return {
        close: async () => {
          closed = true;
          wake?.();
          await running;
        },
      };
    },
    async close() {
      closed = true;
      wake?.();
      await running;
      for (const w of spaceWaiters.splice(0)) w();
    },
  };
}
