/**
 * Mail waiting to be sent, with retries: a refused or unreachable server puts the message back with
 * a growing delay (30 s, 1 min, 2 min … at most 30 min) until `maxAttempts`; then it is dropped and
 * logged. Memory only, bounded: when full the oldest message goes (logged), so a mail server that is
 * down for days cannot grow the process. Sending never blocks whoever enqueues.
 */
import type { MailMessage, MailTransport } from './mail.ts';
import type { Logger } from '../util/logger.ts';

/** Options of {@link createOutbox}. */
export interface OutboxOptions {
  transport: MailTransport;
  now: () => number;
  /** Diagnostics: every failure and every dropped message, at `warn`. */
  logger: Logger;
  maxAttempts?: number;
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** Messages held at most. */
  capacity?: number;
}

/** The queue. */
export interface Outbox {
  /** Queues a message for the next `pump`. */
  enqueue(message: MailMessage): void;
  /** Sends every message that is due, one after the other; never rejects. */
  pump(): Promise<void>;
  /** Messages waiting (due or not). */
  size(): number;
}

interface Entry {
  message: MailMessage;
  attempts: number;
  dueAt: number;
}

/** Creates an outbox. */
export function createOutbox(opts: OutboxOptions): Outbox {
  const maxAttempts = opts.maxAttempts ?? 8;
  const first = opts.firstDelayMs ?? 30_000;
  const maxDelay = opts.maxDelayMs ?? 30 * 60_000;
  const capacity = opts.capacity ?? 1000;
  let queue: Entry[] = [];
  let pumping: Promise<void> | undefined;

  const run = async (): Promise<void> => {
    const due = queue.filter((e) => e.dueAt <= opts.now());
    queue = queue.filter((e) => e.dueAt > opts.now());
    for (const e of due) {
      try {
        await opts.transport.send(e.message);
      } catch (err) {
        e.attempts++;
        const why = err instanceof Error ? err.message : String(err);
        if (e.attempts >= maxAttempts) {
          opts.logger.warn(
            `gave up after ${e.attempts} attempts: '${e.message.subject}' to ${e.message.to}: ${why}`,
          );
          continue;
        }
        const delay = Math.min(maxDelay, first * 2 ** (e.attempts - 1));
        opts.logger.warn(
          `attempt ${e.attempts} failed, retrying in ${Math.round(delay / 1000)} s: ` +
            `'${e.message.subject}' to ${e.message.to}: ${why}`,
        );
        queue.push({ ...e, dueAt: opts.now() + delay });
      }
    }
  };

  return {
    enqueue(message) {
      queue.push({ message, attempts: 0, dueAt: opts.now() });
      if (queue.length > capacity) {
        const dropped = queue.shift();
        if (dropped)
          opts.logger.warn(
            `outbox full (${capacity}), dropped '${dropped.message.subject}' to ${dropped.message.to}`,
          );
      }
    },
    pump() {
      // One pump at a time: a slow server must not make two pumps send the same message twice.
      pumping ??= run().finally(() => (pumping = undefined));
      return pumping;
    },
    size: () => queue.length,
  };
}
