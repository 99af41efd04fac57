/**
 * The contract between the import pipeline and one file format.
 */
import type { BatchWriter } from './batch-writer.ts';
import type { CatalogBuilder } from './catalog.ts';
import type { RejectLog } from './rejects.ts';
import type { ByteSource } from './source.ts';
import type { ImportOptions } from './types.ts';

/**
 * The record being read, for rejections made after the format parsed it (the batch writer's
 * physical-limit check): line-based formats have it set by `driveLines`; others leave line 0.
 */
export interface RecordAt {
  /** 1-based line number, 0 when the format has no lines. */
  line: number;
  /** The line's bytes are `buf[start, end)`; null when there is no line. */
  buf: Buffer | null;
  start: number;
  end: number;
}

/** What a format gets to do its work. */
export interface FormatContext {
  /**
   * The file as messages and rejections name it: the path as the user gave it, or the uploaded
   * file's own name (`ImportOptions.displayName`). Read the file at `opts.path`.
   */
  readonly file: string;
  readonly opts: ImportOptions;
  readonly catalog: CatalogBuilder;
  readonly out: BatchWriter;
  readonly rejects: RejectLog;
  readonly signal?: AbortSignal;
  /** The record being read (set by `driveLines` for line-based formats). */
  readonly at: RecordAt;
  /** Data rows seen; the format increments it. */
  rows: number;
  /** True once `limitRows` rows were read; formats then skip the remaining rows. */
  full(): boolean;
  /** Reports progress (bytes of the file consumed). */
  tick(bytesRead: number): void;
}

/** One file format: reads the source and pushes readings to `ctx.out`. */
export interface Format {
  run(ctx: FormatContext, source: ByteSource | null): Promise<void>;
}
