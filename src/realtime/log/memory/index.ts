/**
 * The embedded reading log: an in-process queue. Appends coalesce into larger batches for the
 * consumer (store writes are cheaper in bulk); when more than `maxQueued` readings wait, appends wait
 * too, so a burst slows producers instead of growing memory without bound.
 *
 * Nothing in memory survives `kill -9`, so by default an append resolves only once the consumer has
 * handled the batch holding it (the store committed it): group commit, where the appends that
 * arrive while one write runs share the next write. HTTP 202 and MQTT PUBACK wait for it, and an
 * acknowledged reading is on disk (issue 13, item 11: up to 23 % of acknowledged readings were lost
 * when append resolved at enqueue). A consumer that need not be durable (live NILM) asks for
 * `ack: 'queued'`.
 */
import type { ReadingBatch } from '../../../domain/types.ts';
import { InputError, StoreError } from '../../../errors.ts';
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
  /**
   * When `append` resolves: `handled` (default) once the consumer has handled the batch holding it,
   * so what was acknowledged is stored; `queued` at once (a consumer whose loss a restart repairs).
   */
  ack?: 'handled' | 'queued';
}

/** An appended batch and the append waiting for it to be handled. */
interface Entry {
  batch: ReadingBatch;
  done?: { resolve: () => void; reject: (err: unknown) => void };
}

/** Creates an in-process reading log with one consumer. */
export function createMemoryLog(opts: MemoryLogOptions = {}): ReadingLog {
  const maxQueued = opts.maxQueued ?? 1_000_000;
  const maxBatch = opts.maxBatch ?? 10_000;
  const waitForHandler = (opts.ack ?? 'handled') === 'handled';
  const queue: Entry[] = [];
  let queued = 0;
  let wake: (() => void) | undefined;
  const spaceWaiters: (() => void)[] = [];
  let handler: BatchHandler | undefined;
  let running: Promise<void> | undefined;
  let closed = false;

  const take = (): Entry[] => {
    const parts: Entry[] = [];
    let n = 0;
    while (queue.length && (parts.length === 0 || n + queue[0]!.batch.length <= maxBatch)) {
      const e = queue.shift()!;
      parts.push(e);
      n += e.batch.length;
    }
    return parts;
  };
  const settle = (parts: Entry[], err: unknown = undefined): void => {
    for (const e of parts) {
      if (!e.done) continue;
      if (err === undefined) e.done.resolve();
      else e.done.reject(err);
    }
  };
  /** Hands a batch to the consumer until it succeeds, fails on bad input, or the log closes. */
  const deliver = async (batch: ReadingBatch): Promise<unknown> => {
    for (;;) {
      try {
        await handler!(batch);
        return undefined;
      } catch (err) {
        opts.onError?.(err);
        // Bad input never succeeds: reported and dropped; anything else (store down) is retried
        // while the appends wait, unacknowledged.
        if (closed || err instanceof InputError) return err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  };
  const loop = async (): Promise<void> => {
    while (!closed || queue.length) {
      const parts = take();
      if (parts.length === 0) {
        if (closed) break;
        await new Promise<void>((r) => (wake = r));
        continue;
      }
      const batch = parts.length === 1 ? parts[0]!.batch : concatBatches(parts.map((e) => e.batch));
      const err = await deliver(batch);
      if (err instanceof InputError && parts.length > 1) {
        // One append's bad input must not fail the appends it was grouped with: each on its own.
        for (const part of parts) settle([part], await deliver(part.batch));
      } else settle(parts, err);
      queued -= batch.length;
      while (spaceWaiters.length && queued < maxQueued) spaceWaiters.shift()!();
    }
  };
  return {
    async append(batch) {
      if (closed) throw new Error('reading log is closed');
      if (batch.length === 0) return;
      while (queued >= maxQueued) await new Promise<void>((r) => spaceWaiters.push(r));
      queued += batch.length;
      if (!waitForHandler) {
        queue.push({ batch });
        wake?.();
        wake = undefined;
        return;
      }
      const handled = new Promise<void>((resolve, reject) =>
        queue.push({ batch, done: { resolve, reject } }),
      );
      wake?.();
      wake = undefined;
      await handled;
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
      // Without a consumer nothing handles what is left: its appends fail instead of hanging.
      settle(queue.splice(0), new StoreError('memory log', 'append (the log closed first)'));
    },
  };
}
