/**
 * The shape of test/corpus/manifest.json: one entry per bad-input file of the importers and what
 * importing it must give.
 */
import type { ImportFormat, ImportOptions } from '../../src/ingest/types.ts';

/** One corpus case. */
export interface CorpusCase {
  /** Path under test/corpus, `<format>/<case>.<ext>` (a folder for REDD low_freq). */
  file: string;
  format: ImportFormat;
  /** Import options besides the path (the format is named for every case but auto-detected ones). */
  options?: Partial<ImportOptions>;
  /** The import must fail with this error code and a message containing `match` (and the file). */
  error?: { code: string; match: string };
  /** Readings that must be stored (the good rows kept). */
  stored?: number;
  /** For cut streams, where the count depends on where the cut fell: at least this many stored. */
  storedAtLeast?: number;
  /** Rejections by reason, exactly. */
  reasons?: Record<string, number>;
  /** Rows left out on purpose by reason (a data set's fill values), exactly; none when absent. */
  skipped?: Record<string, number>;
}
