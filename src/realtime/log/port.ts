/**
 * The reading log: accepted readings wait here between ingest and processing. The embedded adapter is
 * an in-process queue; the JetStream adapter is a replicated stream partitioned by meter with durable
 * consumers, shared by worker processes. Delivery is at least once: handlers must be idempotent
 * (store writes are, on channel and timestamp).
 */
import type { ReadingBatch } from '../../domain/types.ts';

/** Handles one delivered batch; the log considers it processed when the promise resolves. */
export type BatchHandler = (batch: ReadingBatch) => Promise<void>;

/** A running consumer. */
export interface LogSubscription {
  /** Stops taking new batches and waits for the one in progress. */
  close(): Promise<void>;
}

/** The reading-log port. */
export interface ReadingLog {
  /** Appends a batch; resolves once the log holds it (durably, for JetStream). */
  append(batch: ReadingBatch): Promise<void>;
  /** Starts delivering batches to `handler`. */
  subscribe(handler: BatchHandler): Promise<LogSubscription>;
  /** Releases connections; pending appends are finished first. */
  close(): Promise<void>;
}
