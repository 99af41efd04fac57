/**
 * Compaction: the small files of a partition become one, sorted by channel and time, keeping the
 * first written of repeated (channel, timestamp) readings (files sort by when they were written, so
 * "first" is the store's rule). A journal in the partition folder names the inputs and the output
 * before anything changes; it is taken with link(2), which fails when it exists, so two compactors
 * (two workers on a shared folder) never rewrite the same partition, and a compactor killed half way
 * is finished by the next one: inputs are deleted only once the output is in place.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { link, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, sqlString } from '../../store/duckdb/connection.ts';
import type { CompactionResult } from '../port.ts';
import { JOURNAL, compactedName } from './layout.ts';
import { listFiles, listPartitions, type PartitionFiles } from './partitions.ts';

/** What a journal records. */
interface Journal {
  inputs: string[];
  output: string;
  host: string;
  pid: number;
  /** The lake instance that wrote it (two lakes in one process are two compactors). */
  owner: string;
  at: number;
}

/** When to compact. */
export interface CompactionPolicy {
  /** Small files that make an open partition worth compacting. */
  minFiles: number;
  /** Files at least this big are left as they are. */
  targetBytes: number;
  /** Journals older than this from another host are taken as abandoned, ms. */
  staleMs: number;
  /** Compact every partition with two small files or more, also open ones. */
  all: boolean;
  /** Id of the calling lake instance, written into its journals. */
  owner: string;
  /** The current UTC day (`YYYY-MM-DD`): earlier days are closed and compacted down to one file. */
  today: string;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const gone = (err: unknown): boolean => (err as NodeJS.ErrnoException).code === 'ENOENT';
const tmpOf = (folder: string, output: string): string => join(folder, `.${output}.tmp`);

/** Whether the compactor that wrote `j` is gone (its process ended, or it is silent for too long). */
function abandoned(j: Journal, staleMs: number, owner: string): boolean {
  if (j.host === hostname() && j.pid === process.pid && j.owner === owner) return true;
  if (j.host === hostname() && j.pid !== process.pid) return !isAlive(j.pid);
  return Date.now() - j.at > staleMs;
}

/**
 * Finishes or undoes an abandoned compaction of `folder`: with the output in place its remaining
 * inputs go, otherwise its partial output goes. Returns false when a live compactor holds the folder.
 */
export async function recoverJournal(
  folder: string,
  staleMs: number,
  held: Set<string>,
  owner: string,
): Promise<boolean> {
  const path = join(folder, JOURNAL);
  let j: Journal;
  try {
    j = JSON.parse(await readFile(path, 'utf8')) as Journal;
  } catch (err) {
    if (gone(err)) return true;
    // A journal is written whole before it is linked into place; an unreadable one is not ours to judge.
    throw err;
  }
  if (held.has(folder) || !abandoned(j, staleMs, owner)) return false;
  const done = await stat(join(folder, j.output)).then(
    () => true,
    () => false,
  );
  if (done) for (const f of j.inputs) await unlink(join(folder, f)).catch(() => undefined);
  else await rm(tmpOf(folder, j.output), { force: true });
  await unlink(path).catch(() => undefined);
  return true;
}

/** Takes the partition's journal; false when another compactor holds it. */
async function takeJournal(folder: string, j: Journal): Promise<boolean> {
  const draft = join(folder, `${JOURNAL}.${j.owner}.draft`);
  await writeFile(draft, JSON.stringify(j));
  try {
    await link(draft, join(folder, JOURNAL));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(draft).catch(() => undefined);
  }
}

/** The files of a partition to merge under `policy`, or none. */
function inputsOf(p: PartitionFiles, policy: CompactionPolicy): string[] {
  const small = p.files.filter((f) => f.bytes < policy.targetBytes).map((f) => f.name);
  const closed = p.day < policy.today;
  const wanted = small.length >= policy.minFiles || ((closed || policy.all) && small.length >= 2);
  return wanted ? small : [];
}

/** Compacts one partition's `inputs`; returns the readings dropped as repeats. */
async function compactPartition(
  conn: DuckDBConnection,
  folder: string,
  inputs: string[],
  owner: string,
): Promise<number | undefined> {
  const output = compactedName(inputs[0] as string);
  const journal: Journal = { inputs, output, host: hostname(), pid: process.pid, owner, at: Date.now() };
  if (!(await takeJournal(folder, journal))) return undefined;
  const list = `[${inputs.map((f) => sqlString(join(folder, f))).join(', ')}]`;
  const tmp = tmpOf(folder, output);
  const [counted] = await queryRows(conn, `SELECT count(*)::DOUBLE AS n FROM read_parquet(${list})`);
  const result = await conn.run(
    `COPY (
       SELECT channel_id, ts, value, quality FROM read_parquet(${list}, filename = true, hive_partitioning = false)
       QUALIFY row_number() OVER (PARTITION BY channel_id, ts ORDER BY filename) = 1
       ORDER BY channel_id, ts
     ) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd)`,
  );
  const written = Number(result.rowsChanged);
  await rename(tmp, join(folder, output));
  for (const f of inputs) await unlink(join(folder, f)).catch(() => undefined);
  await unlink(join(folder, JOURNAL));
  return Number(counted?.['n']) - written;
}

/** Runs one compaction pass over every partition under `root`. */
export async function compactLake(
  conn: DuckDBConnection,
  root: string,
  policy: CompactionPolicy,
  held: Set<string>,
): Promise<CompactionResult> {
  const result: CompactionResult = { partitions: 0, filesIn: 0, filesOut: 0, duplicatesRemoved: 0 };
  for (const p of await listPartitions(root)) {
    if (!(await recoverJournal(p.folder, policy.staleMs, held, policy.owner))) continue;
    // Listed again: recovery may have removed the inputs of an abandoned run.
    const inputs = inputsOf({ ...p, files: await listFiles(p.folder) }, policy);
    if (inputs.length === 0) continue;
    held.add(p.folder);
    try {
      const dropped = await compactPartition(conn, p.folder, inputs, policy.owner);
      if (dropped === undefined) continue;
      result.partitions++;
      result.filesIn += inputs.length;
      result.filesOut++;
      result.duplicatesRemoved += dropped;
    } finally {
      held.delete(p.folder);
    }
  }
  return result;
}
