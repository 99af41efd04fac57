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
import { createNotifier, type Notifier } from '../signal.ts';

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

/** What the log and its consumers share. */
interface Shared {
  readonly maxBatch: number;
  readonly queue: Entry[];
  /** Readings appended and not yet acknowledged. */
  queued: number;
  /** No message is handed out before this time (ms): set by a delayed nak. */
  holdUntil: number;
  closing: boolean;
  /** Told when the queue, the consumers or the closing state change. */
  readonly changed: Notifier;
  /** Told when readings are acknowledged, for appends waiting for room. */
  readonly space: Notifier;
  /** The group, oldest first: the first one receives everything. */
  readonly consumers: { ended: boolean }[];
  /** Each consumer's `closed`, so that close waits for them. */
  readonly running: Set<Promise<void>>;
}

/** A message a consumer holds: its entries, and whether it was acked, naked or terminated. */
interface Held {
  parts: Entry[];
  settled: boolean;
}

/** Creates an in-process reading log. */
export function createMemoryLog(opts: MemoryLogOptions = {}): MemoryLog {
  const maxQueued = opts.maxQueued ?? 1_000_000;
  const waitForHandler = (opts.ack ?? 'handled') === 'handled';
  const s: Shared = {
    maxBatch: opts.maxBatch ?? 10_000,
    queue: [],
    queued: 0,
    holdUntil: 0,
    closing: false,
    changed: createNotifier(),
    space: createNotifier(),
    consumers: [],
    running: new Set(),
  };
  return {
    queued: () => s.queued,
    async append(batch) {
      if (s.closing) throw new Error('reading log is closed');
      if (batch.length === 0) return;
      while (s.queued >= maxQueued && !s.closing) await s.space.wait();
      if (s.closing) throw new Error('reading log is closed');
      s.queued += batch.length;
      if (!waitForHandler) {
        s.queue.push({ batch });
        s.changed.notify();
        return;
      }
      const handled = new Promise<void>((resolve, reject) =>
        s.queue.push({ batch, done: { resolve, reject } }),
      );
      s.changed.notify();
      await handled;
    },
    consume: (copts) => consume(s, copts),
    async close() {
      // A live consumer is handed what is queued first; then the log ends.
      s.closing = true;
      s.changed.notify();
      s.space.notify();
      await Promise.all([...s.running]);
      // Without a consumer nothing handles what is left: its appends fail instead of hanging.
      settle(s.queue.splice(0), new StoreError('memory log', 'append (the log closed first)'));
    },
  };
}

/** Takes the next message's entries from the head of the queue: up to maxBatch readings, a lone entry alone. */
function take(s: Shared): Entry[] {
  const parts: Entry[] = [];
  let n = 0;
  while (s.queue.length) {
    const e = s.queue[0]!;
    if (parts.length && (e.alone || parts[0]!.alone || n + e.batch.length > s.maxBatch)) break;
    parts.push(s.queue.shift()!);
    n += e.batch.length;
  }
  return parts;
}

function release(s: Shared, n: number): void {
  s.queued -= n;
  s.space.notify();
}

/** Resolves the entries' appends, or rejects them with `err`. */
function settle(parts: Entry[], err?: unknown): void {
  for (const e of parts) {
    if (err === undefined) e.done?.resolve();
    else e.done?.reject(err);
  }
}

/** Puts entries back at the head of the queue, in their order. */
function requeue(s: Shared, parts: Entry[]): void {
  s.queue.unshift(...parts);
  s.changed.notify();
}

/** A consumer in the group: it receives messages while it is the oldest live one. */
function consume(s: Shared, copts: ConsumeOptions = {}): LogConsumer {
  const me = { ended: false };
  s.consumers.push(me);
  const inHand = new Set<Held>();
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
    s.consumers.splice(s.consumers.indexOf(me), 1);
    s.changed.notify();
    maybeClosed();
  };
  const onAbort = (): void => {
    stopping ??= 'abort';
    s.changed.notify();
  };
  copts.signal?.addEventListener('abort', onAbort, { once: true });
  if (copts.signal?.aborted) onAbort();

  const next = async (): Promise<IteratorResult<LogMessage>> => {
    for (;;) {
      if (me.ended) return { done: true, value: undefined };
      const active = s.consumers[0] === me;
      const wait = s.holdUntil - Date.now();
      if (stopping === 'abort' || ((stopping === 'drain' || s.closing) && (!active || !s.queue.length))) {
        end();
        return { done: true, value: undefined };
      }
      if (active && s.queue.length && wait <= 0) {
        const held: Held = { parts: take(s), settled: false };
        inHand.add(held);
        return {
          done: false,
          value: message(s, held, () => {
            inHand.delete(held);
            maybeClosed();
          }),
        };
      }
      await s.changed.wait();
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
        requeue(
          s,
          held.flatMap((h) => h.parts),
        );
        end();
        return { done: true, value: undefined };
      },
    }),
    async drain() {
      stopping ??= 'drain';
      s.changed.notify();
      await closed;
    },
    closed,
    owned: () => (s.consumers[0] === me ? [0] : []),
  };
  s.running.add(closed);
  void closed.then(() => s.running.delete(closed));
  return consumer;
}

/** The message for a held set of entries; `onSettled` runs once, at its ack, nak or term. */
function message(s: Shared, held: Held, onSettled: () => void): LogMessage {
  const { parts } = held;
  const batch = parts.length === 1 ? parts[0]!.batch : concatBatches(parts.map((e) => e.batch));
  const finish = (): boolean => {
    if (held.settled) return false;
    held.settled = true;
    onSettled();
    return true;
  };
  return {
    batch,
    partition: 0,
    source: 'memory log',
    ack() {
      if (!finish()) return;
      settle(parts);
      release(s, batch.length);
    },
    nak(delayMs = 0) {
      if (!finish()) return;
      s.holdUntil = Math.max(s.holdUntil, Date.now() + delayMs);
      requeue(s, parts);
      if (delayMs > 0) setTimeout(() => s.changed.notify(), delayMs).unref();
    },
    term(reason) {
      if (!finish()) return;
      if (parts.length > 1) {
        // One append's bad input must not fail the appends it was grouped with: each on its own.
        requeue(
          s,
          parts.map((e) => ({ ...e, alone: true })),
        );
        return;
      }
      settle(parts, reason);
      release(s, batch.length);
    },
  };
}
