import type { Reading, ReadingBatch } from '../../domain/types.ts';

/** What one idempotent write did. */
export interface WriteResult {
  /** Readings newly stored. */
  inserted: number;
  /** Readings whose (channel, timestamp) was already stored; they change nothing. */
  duplicates: number;
}

/** Raw readings, idempotent on (channel, timestamp). */
export interface ReadingRepo {
  /**
   * Stores a batch atomically: either every new reading of the batch lands or none does. Readings
   * already stored for the same (channel, timestamp) are counted as duplicates and left unchanged.
   * The days touched are remembered so that the batch layer recomputes only those.
   */
  write(batch: ReadingBatch): Promise<WriteResult>;
  /** Readings of one channel in [from, to), ordered by time. */
  read(channelId: string, from: number, to: number): Promise<Reading[]>;
  /** Number of stored readings, optionally of one channel. */
  count(channelId?: string): Promise<number>;
}
