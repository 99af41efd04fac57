import type { JobRepo } from '../ports/jobs.ts';
import type { PgContext } from './connection.ts';

/** DDL for the jobs tables, run in order by `migrate()`. */
export const jobsSchema: readonly string[] = [];

/** The postgres implementation of {@link JobRepo}. */
export function createJobRepo(_ctx: PgContext): JobRepo {
  return {};
}
