/**
 * The embedded reading log: an in-process queue with one partition. Appends coalesce into larger
 * messages for the consumer (store writes are cheaper in bulk); when more than `maxQueued` readings
 * wait, appends wait too, so a burst or a slow consumer slows producers instead of growing memory
 * without bound.
 *
 * Nothing in memory survives `kill -9`, so by default an append resolves only once the consumer has
 * acknowledged the message holding it (the store committed it): group commit, where the appends that
 * arrive while one write runs share the next write. HTTP 202 and MQTT PUBACK wait for it, and an
 * acknowledged reading is on disk (issue 13, item 11: up to 23 % of acknowledged readings were lost
 * when append resolved at enqueue). A consumer that need not be durable (live NILM) asks for
 * `ack: 'queued'`.
 *
 * Several consumers form a group over the one partition: the oldest live one receives everything, the
 * others stand by and take over (with its unacknowledged messages) when it ends.
 */
import type { ReadingBatch } from '../../../domain/types.ts';
import { StoreError } from '../../../errors.ts';
import { concatBatches } from '../../../stream/batch.ts';
import type { ConsumeOptions, LogConsumer, LogMessage, ReadingLog } from '../port.ts';
import { createNotifier } from '../signal.ts';

/** Options of {@link createMemoryLog}. */
export interface MemoryLogOptions {
  /** Readings queued or in flight before appends wait; default 1,000,000. */
  maxQueued?: number;
  /** Largest message handed to the consumer; default 10,000 readings (bounds the wait of a reading behind a batch). */
  maxBatch?: number;
  /**
   * When `append` resolves: `handled` (default) once the consumer acknowledged the message holding it,
   * so what was acknowledged is stored; `queued` at once (a consumer whose loss a restart repairs).
   */
  ack?: 'handled' | 'queued';
}

/** The in-process log, with its fill level for metrics and tests. */
export interface MemoryLog extends ReadingLog {
  /** Readings appended and not yet acknowledged (queued or in a consumer's hands). */
  queued(): number;
}

/** An appended batch and the append waiting for it to be handled. */
interface Entry {
  batch: ReadingBatch;
  /** Delivered on its own (it was in a message terminated for bad input). */
  alone?: boolean;
  done?: { resolve: () => void; reject: (err: unknown) => void };
}

/** Creates an in-process reading log. */
export function createMemoryLog(opts: MemoryLogOptions = {}): MemoryLog {
  const maxQueued = opts.maxQueued ?? 1_000_000;
  const maxBatch = opts.maxBatch ?? 10_000;
  const waitForHandler = (opts.ack ?? 'handled') === 'handled';
  const queue: Entry[] = [];
  let queued = 0;
  let holdUntil = 0;
  let closing = false;
  const changed = createNotifier();
  const space = createNotifier();
  const consumers: { ended: boolean }[] = [];
  const running = new Set<Promise<void>>();

  const take = (): Entry[] => {
    const parts: Entry[] = [];
    let n = 0;
    while (queue.length) {
      const e = queue[0]!;
      if (parts.length && (e.alone || parts[0]!.alone || n + e.batch.length > maxBatch)) break;
      parts.push(queue.shift()!);
      n += e.batch.length;
    }
    return parts;
  };
  const release = (n: number): void => {
    queued -= n;
    space.notify();
  };
  const settle = (parts: Entry[], err?: unknown): void => {
    for (const e of parts) {
      if (err === undefined) e.done?.resolve();
      else e.done?.reject(err);
    }
  };
  /** Puts entries back at the head of the queue, in their order. */
  const requeue = (parts: Entry[]): void => {
    queue.unshift(...parts);
    changed.notify();
  };

  const consume = (copts: ConsumeOptions = {}): LogConsumer => {
    const me = { ended: false };
    consumers.push(me);
    const inHand = new Set<{ parts: Entry[]; settled: boolean }>();
    let stopping: 'abort' | 'drain' | undefined;
    let iterationDone = false;
    let resolveClosed!: () => void;
    const closed = new Promise<void>((r) => (resolveClosed = r));
    const maybeClosed = (): void => {
      if (iterationDone && inHand.size === 0) resolveClosed();
    };
    const end = (): void => {
      if (me.ended) return;
      me.ended = true;
      iterationDone = true;
      consumers.splice(consumers.indexOf(me), 1);
      changed.notify();
      maybeClosed();
    };
    const onAbort = (): void => {
      stopping ??= 'abort';
      changed.notify();
    };
    copts.signal?.addEventListener('abort', onAbort, { once: true });
    if (copts.signal?.aborted) onAbort();

    const message = (parts: Entry[]): LogMessage => {
      const held = { parts, settled: false };
      inHand.add(held);
      const batch = parts.length === 1 ? parts[0]!.batch : concatBatches(parts.map((e) => e.batch));
      const finish = (): boolean => {
        if (held.settled) return false;
        held.settled = true;
        inHand.delete(held);
        maybeClosed();
        return true;
      };
      return {
        batch,
        partition: 0,
        source: 'memory log',
        ack() {
          if (!finish()) return;
          settle(parts);
          release(batch.length);
        },
        nak(delayMs = 0) {
          if (!finish()) return;
          holdUntil = Math.max(holdUntil, Date.now() + delayMs);
          requeue(parts);
          if (delayMs > 0) setTimeout(() => changed.notify(), delayMs).unref();
        },
        term(reason) {
          if (!finish()) return;
          if (parts.length > 1) {
            // One append's bad input must not fail the appends it was grouped with: each on its own.
            requeue(parts.map((e) => ({ ...e, alone: true })));
            return;
          }
          settle(parts, reason);
          release(batch.length);
        },
      };
    };

    const next = async (): Promise<IteratorResult<LogMessage>> => {
      for (;;) {
        if (me.ended) return { done: true, value: undefined };
        const active = consumers[0] === me;
        const wait = holdUntil - Date.now();
        if (stopping === 'abort' || ((stopping === 'drain' || closing) && (!active || !queue.length))) {
          end();
          return { done: true, value: undefined };
        }
        if (active && queue.length && wait <= 0) return { done: false, value: message(take()) };
        await changed.wait();
      }
    };
    const consumer: LogConsumer = {
      [Symbol.asyncIterator]: () => ({
        next,
        // The loop was left early (break or throw): what it held and did not settle goes back.
        async return() {
          const held = [...inHand].filter((h) => !h.settled);
          for (const h of held) {
            h.settled = true;
            inHand.delete(h);
          }
          requeue(held.flatMap((h) => h.parts));
          end();
          return { done: true, value: undefined };
        },
      }),
      async drain() {
        stopping ??= 'drain';
        changed.notify();
        await closed;
      },
      closed,
      owned: () => (consumers[0] === me ? [0] : []),
    };
    running.add(closed);
    void closed.then(() => running.delete(closed));
    return consumer;
  };

  return {
    queued: () => queued,
    async append(batch) {
      if (closing) throw new Error('reading log is closed');
      if (batch.length === 0) return;
      while (queued >= maxQueued && !closing) await space.wait();
      if (closing) throw new Error('reading log is closed');
      queued += batch.length;
      if (!waitForHandler) {
        queue.push({ batch });
        changed.notify();
        return;
      }
      const handled = new Promise<void>((resolve, reject) =>
        queue.push({ batch, done: { resolve, reject } }),
      );
      changed.notify();
      await handled;
    },
    consume,
    async close() {
      // A live consumer is handed what is queued first; then the log ends.
      closing = true;
      changed.notify();
      space.notify();
      await Promise.all([...running]);
      // Without a consumer nothing handles what is left: its appends fail instead of hanging.
      settle(queue.splice(0), new StoreError('memory log', 'append (the log closed first)'));
    },
  };
}
