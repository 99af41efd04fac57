/**
 * The lake: every raw reading, kept for ever as Parquet files in hive-style folders
 * `org=<org id>/day=<UTC day>/shard=<meter shard>/` that DuckDB, Spark and the Slurm jobs read as they
 * are. Embedded, a folder in the state folder; scale-out, a folder every node shares. Writers append
 * batches (durable once `append` resolves), publish them as whole files (temp name, then rename) and
 * compact small files, removing repeated (channel, timestamp) pairs with the store's rule: the first
 * written wins.
 */
import type { ReadingBatch } from '../domain/types.ts';
import type { ExportFormat } from '../store/ports/readings.ts';

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
  /** Only readings in these minutes (their starts, UTC ms): the few a chart's bucket edges cut. */
  minutes?: number[];
}

/** The first and last timestamps of a selection (UTC ms, inclusive). */
export interface LakeExtent {
  from: number;
  to: number;
}

/** A readings export that joins the lake's readings to what the store exported (see {@link Lake.exportWith}). */
export interface LakeExport {
  /** Parquet file the store exported (`channel_id, time, value, quality`); it wins over the lake. */
  storeFile: string;
  /** The lake's readings to add (one query per organisation and its boundary). */
  queries: LakeQuery[];
  format: ExportFormat;
  /** File to write (overwritten). */
  path: string;
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
  /** The first and last published timestamps of a selection, or undefined when it is empty. */
  extent(q: LakeQuery): Promise<LakeExtent | undefined>;
  /**
   * Writes the store's exported readings and the lake's selected ones to one file in the store's export
   * form (the store's reading wins a repeated (channel, timestamp)); returns the readings written.
   */
  exportWith(req: LakeExport): Promise<number>;
  /** Files, partitions and bytes on disk, and readings waiting in the spool. */
  status(): Promise<LakeStatus>;
  /** Publishes what is spooled and releases the lake's resources. */
  close(): Promise<void>;
}
