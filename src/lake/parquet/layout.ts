/**
 * Names on disk. Partition folders are hive-style `org=<id>/day=<YYYY-MM-DD>/shard=<n>`; a data file
 * is `<spool name>-<i>.parquet` where the spool name starts with the zero-padded time the spool was
 * opened, so that sorting file names sorts them by when they were written (the order "first written
 * wins" follows). A compacted file takes the name of its first input with a `~c<generation>` suffix,
 * which sorts right after that input and before every later file.
 */
import { join } from 'node:path';

/** Folder of spool files, one sub-folder per writer process. */
export const SPOOL_DIR = '_spool';
/** Scratch folder of files being written (readers never look there). */
export const TMP_DIR = '_tmp';
/** Journal of a compaction in progress, in its partition folder (Spark and Hive skip `_` names). */
export const JOURNAL = '_compacting.json';

/** Characters allowed in an organisation id used as a folder name (ids are generated slugs). */
const SAFE = /^[A-Za-z0-9_.:@-]{1,200}$/;

/** Whether `orgId` can be a partition value as it is. */
export function isSafeOrgId(orgId: string): boolean {
  return SAFE.test(orgId) && orgId !== '.' && orgId !== '..';
}

/** The UTC day `YYYY-MM-DD` holding `ts` (UTC ms). */
export function utcDay(ts: number): string {
  return new Date(ts - (((ts % 86_400_000) + 86_400_000) % 86_400_000)).toISOString().slice(0, 10);
}

/** A partition's folder relative to the lake root. */
export function partitionPath(orgId: string, day: string, shard: number): string {
  return join(`org=${orgId}`, `day=${day}`, `shard=${shard}`);
}

/** The glob that reads every published file (for `read_parquet(..., hive_partitioning = true)`). */
export function dataGlob(root: string): string {
  return join(root, 'org=*', 'day=*', 'shard=*', '*.parquet');
}

/**
 * A spool name: time (15 digits of ms), writer id and a per-writer sequence number (9 digits), so
 * that names sort by time and never collide between writers.
 */
export function spoolName(now: number, writerId: string, seq: number): string {
  return `${String(now).padStart(15, '0')}-${writerId}-${String(seq).padStart(9, '0')}`;
}

/** The name of the file compacting inputs whose first (by name) is `first`. */
export function compactedName(first: string): string {
  const base = first.replace(/\.parquet$/, '');
  const m = /^(.*)~c(\d+)$/.exec(base);
  return m ? `${m[1]}~c${Number(m[2]) + 1}.parquet` : `${base}~c1.parquet`;
}

/** The day a partition folder `day=YYYY-MM-DD` names, or undefined. */
export function dayOfFolder(name: string): string | undefined {
  const m = /^day=(\d{4}-\d{2}-\d{2})$/.exec(name);
  return m?.[1];
}
