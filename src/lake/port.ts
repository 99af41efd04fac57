/**
 * The lake: every raw reading, kept for ever as Parquet files in hive-style folders
 * `org=<org id>/day=<UTC day>/shard=<meter shard>/` that DuckDB, Spark and the Slurm jobs read as they
 * are. Embedded, a folder in the state folder; scale-out, a folder every node shares. Writers append
 * batches (durable once `append` resolves), publish them as whole files (temp name, then rename) and
 * compact small files, removing repeated (channel, timestamp) pairs with the store's rule: the first
 * written wins.
 */
import type { ReadingBatch } from '../domain/types.ts';

/** Where a channel's readings go: its organisation and the meter whose shard holds them. */
export interface LakePlace {
  orgId: string;
  meterId: string;
}

/** What a lake read selects; omitted filters mean everything. `to` is exclusive (UTC ms). */
export interface LakeQuery {
  orgId?: string;
  channelIds?: string[];
  from?: number;
  to?: number;
}

/** What one compaction run did. */
export interface CompactionResult {
  /** Partition folders rewritten. */
  partitions: number;
  /** Files replaced by the compacted ones. */
  filesIn: number;
  /** Files written. */
  filesOut: number;
  /** Repeated (channel, timestamp) readings dropped. */
  duplicatesRemoved: number;
}

/** A summary of what the lake holds on disk. */
export interface LakeStatus {
  dir: string;
  partitions: number;
  files: number;
  bytes: number;
  /** Readings appended but not yet published as Parquet (this writer's spool). */
  spooledReadings: number;
}

/** The lake port. */
export interface Lake {
  /** The folder that holds the partitions. */
  readonly dir: string;
  /**
   * Appends a batch. Resolves once the batch is in the writer's spool on disk: from then on a crash
   * (kill -9) loses none of it. Throws InputError naming the channel when its place is unknown.
   */
  append(batch: ReadingBatch): Promise<void>;
  /** Publishes every spooled reading as Parquet files now (whole files: temp name, then rename). */
  flush(): Promise<void>;
  /**
   * Rewrites partitions with many small files (or closed days with more than one file) as one file
   * each, keeping the first written of repeated (channel, timestamp) readings.
   */
  compact(opts?: { all?: boolean }): Promise<CompactionResult>;
  /** Published readings, each (channel, timestamp) once (the first written), ordered by channel and time. */
  read(q: LakeQuery): Promise<ReadingBatch>;
  /** Number of published readings, each (channel, timestamp) once. */
  count(q?: LakeQuery): Promise<number>;
  /** Files, partitions and bytes on disk, and readings waiting in the spool. */
  status(): Promise<LakeStatus>;
  /** Publishes what is spooled and releases the lake's resources. */
  close(): Promise<void>;
}
