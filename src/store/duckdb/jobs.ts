import type { JobRepo } from '../ports/jobs.ts';
import type { DuckdbContext } from './connection.ts';

/** DDL for the jobs tables, run in order by `migrate()`. */
export const jobsSchema: readonly string[] = [];

/** The duckdb implementation of {@link JobRepo}. */
export function createJobRepo(_ctx: DuckdbContext): JobRepo {
  return {};
}
