/**
 * The contract between the import pipeline and one file format.
 */
import type { BatchWriter } from './batch-writer.ts';
import type { CatalogBuilder } from './catalog.ts';
import type { RejectLog } from './rejects.ts';
import type { ByteSource } from './source.ts';
import type { ImportOptions } from './types.ts';

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
