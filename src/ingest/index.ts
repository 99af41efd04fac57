/** The ingest feature's public surface: file imports into a store. */
export { importFile } from './import-file.ts';
export { formatSummary, totals } from './summary.ts';
export { IMPORT_FORMATS, TS_FORMATS } from './types.ts';
export type {
  ImportFormat,
  ImportHooks,
  ImportOptions,
  ImportProgress,
  ImportSummary,
  Rejection,
  RejectionGroup,
  TsFormat,
} from './types.ts';
