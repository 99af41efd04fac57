/**
 * The consumer loop every process runs over the reading log: take messages, hand their readings to a
 * handler (the store write and the processors), acknowledge once it resolved. Messages that are
 * already waiting are grouped into one handler call up to `maxReadings` (JetStream splits each frame
 * into one message per partition, about 300 readings each: one store write per message was the
 * bottleneck); a group is acknowledged only after its write, so at-least-once holds.
 */
import type { ReadingBatch } from '../../domain/types.ts';
import { InputError } from '../../errors.ts';
import { concatBatches } from '../../stream/batch.ts';
import type { LogMessage, ReadingLog } from './port.ts';

/** Options of {@link runConsumer}. */
export interface RunOptions {
  /** Called with every failed handler call; the messages are retried (or dropped for bad input). */
  onError?: (err: unknown) => void;
  /** Largest group handed to the handler; 0 hands each message alone (the in-process log groups itself). */
  maxReadings?: number;
  /** How long a group waits for one more message once the first is in; default 20 ms. */
  maxWaitMs?: number;
  /** Delay before a failed (not bad-input) message is delivered again; default 1,000 ms. */
  retryMs?: number;
  /**
   * Groups handled at once; default 1. With 2 the next group is gathered, decoded and processed while
   * the previous one is being written (a worker otherwise waits on each store write). Each group is
   * acknowledged after its own handler call, so at-least-once holds; the store's write is safe against
   * a concurrent one (its unique key).
   */
  inFlight?: number;
}

/** A running consumer loop. */
export interface ConsumerRun {
  /** Stops taking messages, handles those already received, and resolves when the loop has ended. */
  drain(): Promise<void>;
  /** Stops at once: the message in hand is finished, received ones go back to the log. */
  stop(): Promise<void>;
  /** Resolves when the loop has ended. */
  readonly done: Promise<void>;
  /** Partitions the consumer owns now. */
  owned(): number[];
}

const TIMED_OUT = Symbol('timed out');

/** Resolves to `p`'s value or to {@link TIMED_OUT} after `ms` (0: once pending I/O callbacks ran). */
function within<T>(p: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((r) => {
    timer = ms > 0 ? setTimeout(() => r(TIMED_OUT), ms) : setImmediate(() => r(TIMED_OUT));
  });
  return Promise.race([p, timeout]).finally(() => {
    clearTimeout(timer as NodeJS.Timeout);
    clearImmediate(timer as NodeJS.Immediate);
  });
}

/** Starts consuming `log` with `handle` until stopped or drained. */
export function runConsumer(
  log: ReadingLog,
  handle: (batch: ReadingBatch) => Promise<void>,
  opts: RunOptions = {},
): ConsumerRun {
  const onError = opts.onError ?? (() => undefined);
  const maxReadings = opts.maxReadings ?? 0;
  const maxWaitMs = opts.maxWaitMs ?? 20;
  const retryMs = opts.retryMs ?? 1000;
  const inFlight = Math.max(1, opts.inFlight ?? 1);
  const abort = new AbortController();
  const consumer = log.consume({ signal: abort.signal });
  let draining = false;

  /** Handles a group; false when the loop should end (a failed write while stopping). */
  const handleGroup = async (group: LogMessage[]): Promise<boolean> => {
    const batch = group.length === 1 ? group[0]!.batch : concatBatches(group.map((m) => m.batch));
    try {
      await handle(batch);
      for (const m of group) m.ack();
      return true;
    } catch (err) {
      if (err instanceof InputError && group.length > 1) {
        // One message's bad input (a channel removed from the catalog) must not fail its group.
        for (const m of group) if (!(await handleGroup([m]))) return false;
        return true;
      }
      onError(err);
      // Bad input never succeeds: dropped instead of redelivered forever; anything else (store down) is
      // retried, by another consumer if this one is stopping.
      if (err instanceof InputError) group[0]!.term(err);
      else for (const m of group) m.nak(abort.signal.aborted || draining ? 0 : retryMs);
      return !(abort.signal.aborted || draining);
    }
  };

  const loop = async (): Promise<void> => {
    const it = consumer[Symbol.asyncIterator]();
    let ahead: Promise<IteratorResult<LogMessage>> | undefined;
    const pull = (): Promise<IteratorResult<LogMessage>> => (ahead ??= it.next());
    // Groups being handled, at most `inFlight`; a group whose handling says stop ends the loop.
    const running = new Set<Promise<void>>();
    let stopping = false;
    const begin = (group: LogMessage[]): void => {
      const p: Promise<void> = handleGroup(group)
        .then((ok) => {
          if (!ok) stopping = true;
        })
        .finally(() => running.delete(p));
      running.add(p);
    };
    try {
      for (;;) {
        const first = await pull();
        ahead = undefined;
        if (first.done) return;
        const group = [first.value];
        let n = first.value.batch.length;
        let ended = false;
        while (maxReadings > 0 && n < maxReadings) {
          const r = await within(pull(), maxWaitMs);
          if (r === TIMED_OUT) break; // `ahead` stays pending: the next group starts with it
          ahead = undefined;
          if (r.done) {
            ended = true;
            break;
          }
          group.push(r.value);
          n += r.value.batch.length;
        }
        begin(group);
        while (running.size >= inFlight) await Promise.race(running);
        if (stopping || ended) return;
      }
    } finally {
      // Groups still being written finish (acknowledged, or handed back) before the iteration ends.
      await Promise.allSettled(running);
      if (ahead) {
        // Leaving with a message asked for: take it and hand it back, or end the iteration.
        abort.abort();
        const r = await ahead;
        if (!r.done) r.value.nak(0);
      }
      await it.return?.();
    }
  };
  const done = loop().catch(onError);
  return {
    async drain() {
      draining = true;
      await consumer.drain();
      await done;
    },
    async stop() {
      abort.abort();
      await done;
    },
    done,
    owned: () => consumer.owned(),
  };
}
