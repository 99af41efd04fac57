/**
 * The reading log: accepted readings wait here between ingest and processing. The embedded adapter is
 * an in-process queue; the JetStream adapter is a replicated stream partitioned by meter with durable
 * consumers, shared by worker processes. Delivery is at least once: a message not acknowledged is
 * delivered again, so handlers must be idempotent (store writes are, on channel and timestamp).
 *
 * Consuming follows nats.js: `consume({ signal })` is an AsyncIterable of messages, each acknowledged
 * by the consumer once handled; aborting the signal or calling `drain()` ends the iteration cleanly.
 */
import type { ReadingBatch } from '../../domain/types.ts';

/** One delivered batch; settle it with exactly one of `ack`, `nak` or `term`. */
export interface LogMessage {
  readonly batch: ReadingBatch;
  /** Partition it came from (the in-process log has one, 0). */
  readonly partition: number;
  /** Where it came from, for error messages (`<subject> #<sequence>`). */
  readonly source: string;
  /** Handled: it is not delivered again (in-process, the appends holding it resolve). */
  ack(): void;
  /** Not handled for a reason that may pass (store down): delivered again after `delayMs`. */
  nak(delayMs?: number): void;
  /** Never to be handled (bad input): dropped; in-process, the append holding it rejects with `reason`. */
  term(reason: unknown): void;
}

/** Options of {@link ReadingLog.consume}. */
export interface ConsumeOptions {
  /**
   * Aborting stops the consumer: the iteration ends at the next message asked for (the message in hand
   * is still settled by its handler) and messages received but not handed out go back to the log.
   */
  signal?: AbortSignal;
}

/** A running consumer: the messages of the partitions it owns, in order within a partition. */
export interface LogConsumer extends AsyncIterable<LogMessage> {
  /** Stops taking new messages, hands out those already received, then ends; resolves as `closed`. */
  drain(): Promise<void>;
  /** Resolves once the consumer has ended and every message it handed out was settled. */
  readonly closed: Promise<void>;
  /** Partitions this consumer owns now (consumers of one log share its partitions). */
  owned(): number[];
}

/** The reading-log port. */
export interface ReadingLog {
  /** Appends a batch; resolves once the log holds it (durably, for JetStream; stored, in-process). */
  append(batch: ReadingBatch): Promise<void>;
  /**
   * Starts a consumer. All consumers of a log form one group: each partition is delivered to one of
   * them at a time, and when one ends its partitions, with their unacknowledged messages, move on.
   */
  consume(opts?: ConsumeOptions): LogConsumer;
  /** Releases connections; pending appends are finished first. */
  close(): Promise<void>;
}
