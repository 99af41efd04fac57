import type { ImportSummary } from '../../domain/imports.ts';

/** States of a web import. */
export const IMPORT_STATES = ['running', 'done', 'failed'] as const;
/** A web import's state. */
export type ImportState = (typeof IMPORT_STATES)[number];

/** Why an import failed, as the API shows it. */
export interface ImportFailure {
  /** Error code (a LoadscopeError code, `IMPORT_FAILED` or `IMPORT_INTERRUPTED`). */
  error: string;
  message: string;
}

/** One file uploaded through the web import: what it is, how far it got and how it ended. */
export interface ImportRecord {
  id: string;
  /** Organisation that uploaded it; the only one that may see it. */
  orgId: string;
  filename: string;
  /**
   * The facility it imported into: the chosen or default one while it runs, then the first facility
   * it wrote to (a utility file may write to several: see `summary.facilities`).
   */
  facilityId: string;
  state: ImportState;
  startedAt: number;
  endedAt: number | null;
  /** When the process running it last said it was alive (UTC ms); see `interruptStale`. */
  heartbeatAt: number;
  progress: { bytesRead: number; bytesTotal: number; rows: number; readings: number };
  /** The importer's summary without server paths, once done. */
  summary: Omit<ImportSummary, 'file' | 'quarantine'> | null;
  error: ImportFailure | null;
}

/** Fields of an import that change while it runs. */
export type ImportPatch = Partial<
  Pick<ImportRecord, 'state' | 'facilityId' | 'endedAt' | 'heartbeatAt' | 'progress' | 'summary' | 'error'>
>;

/** Web import records. Owned by the import routes; written by the process that runs the import. */
export interface ImportRepo {
  /** Stores a new import. */
  createImport(rec: ImportRecord): Promise<void>;
  /** Changes the given fields of an import; nothing happens when there is none with this id. */
  updateImport(id: string, patch: ImportPatch): Promise<void>;
  /** One import, or undefined. */
  getImport(id: string): Promise<ImportRecord | undefined>;
  /** Imports of an organisation, newest first; at most `limit` (default 100). */
  listImports(filter: { orgId: string; limit?: number }): Promise<ImportRecord[]>;
  /**
   * Marks as failed with `error`, ended at `endedAt`, those of `ids` that are still running and whose
   * heartbeat is older than `before` (the process running them stopped). Returns how many it changed.
   */
  interruptStale(ids: string[], before: number, error: ImportFailure, endedAt: number): Promise<number>;
}
