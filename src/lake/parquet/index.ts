/**
 * The Parquet lake on a folder: local disk when embedded, a shared filesystem in scale-out (the one
 * Slurm's jobs read). Each writer process appends to its own spool under `_spool/<writer id>/`, seals
 * it after `flushRows` readings or `flushMs`, and publishes sealed spools as Parquet in the background;
 * a writer that starts adopts the spools of dead writers (same host, process gone; or untouched for
 * `staleMs`) and publishes them, so a kill -9 loses and doubles nothing.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { mkdir, readdir, rename, rmdir, stat } from 'node:fs/promises';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { ReadingBatch } from '../../domain/types.ts';
import { InputError, LakeError } from '../../errors.ts';
import { partitionOf } from '../../realtime/log/jetstream/membership.ts';
import type { CompactionResult, Lake, LakePlace, LakeStatus } from '../port.ts';
import { compactLake } from './compact.ts';
import { openLakeDb } from './db.ts';
import { SPOOL_DIR, isSafeOrgId, spoolName, utcDay } from './layout.ts';
import { listPartitions } from './partitions.ts';
import { publishSpool, sweepScratch } from './publish.ts';
import { countLake, exportLake, extentLake, readLake } from './read.ts';
import { createSpoolFile, encodeRecord, type SpoolFile, type SpoolPlace } from './spool.ts';

/** Options of {@link openParquetLake}. */
export interface ParquetLakeOptions {
  /** The lake folder (created when missing). */
  dir: string;
  /** Where a channel's readings go; undefined for a channel the platform does not know. */
  place: (channelId: string) => LakePlace | undefined;
  /** Meter shards per organisation and day (default 16, the reading log's partitions). */
  shards?: number;
  /** This writer's id, unique among the processes sharing the folder (default `<host>.<pid>`). */
  writerId?: string;
  /** Readings after which a spool is published (default 1,000,000). */
  flushRows?: number;
  /** Age of a spool's first reading after which it is published, ms (default 60 s). */
  flushMs?: number;
  /** fdatasync each append: survives a power cut too, not only a killed process (default false). */
  sync?: boolean;
  /** How often to compact, ms; 0 never (default 10 minutes). */
  compactEveryMs?: number;
  /** Small files that make an open partition worth compacting (default 8). */
  minFiles?: number;
  /** Files at least this big are not compacted again (default 256 MiB). */
  targetBytes?: number;
  /** Spools and journals of another host untouched this long are adopted, ms (default 10 minutes). */
  staleMs?: number;
  /** DuckDB threads for publishing, compaction and reads (default 1). */
  threads?: number;
  now?: () => number;
  /** Failures of background publishing and compaction (they are retried at the next turn). */
  onError?: (err: unknown) => void;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Whether the writer folder `name` (`<host>.<pid>` by default, `<host>.<pid>@<role>` for a second
 * writer in one process, such as a retention run's) belongs to a process that is gone.
 */
export function deadWriter(name: string, self: string): boolean {
  if (name === self) return false;
  const m = /^(.*)\.(\d+)(?:@[A-Za-z0-9_-]+)?$/.exec(name);
  return m !== null && m[1] === hostname() && !isAlive(Number(m[2]));
}

/** Spool files waiting in the lake, with their folder. */
async function spoolFiles(dir: string): Promise<{ path: string; name: string; mtimeMs: number }[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const out = [];
  for (const n of names.filter((f) => f.endsWith('.spool')).sort()) {
    const s = await stat(join(dir, n)).catch(() => undefined);
    if (s) out.push({ path: join(dir, n), name: n.slice(0, -'.spool'.length), mtimeMs: s.mtimeMs });
  }
  return out;
}

/** Maps a batch's channels to their spool places (unused channels to a blank place); refuses an unknown channel. */
function placeResolver(
  place: ParquetLakeOptions['place'],
  shards: number,
): (batch: ReadingBatch) => SpoolPlace[] {
  const places = new Map<string, SpoolPlace>();
  const placeOf = (id: string): SpoolPlace | undefined => {
    let p = places.get(id);
    if (p) return p;
    const found = place(id);
    if (!found) return undefined;
    if (!isSafeOrgId(found.orgId))
      throw new InputError(
        `organisation id '${found.orgId}' of channel '${id}' cannot name a lake folder (letters, digits and _.:@- only)`,
        { field: 'orgId', source: 'lake' },
      );
    p = [id, found.orgId, partitionOf(found.meterId, shards)];
    places.set(id, p);
    return p;
  };
  return (batch) => {
    const used = new Uint8Array(batch.channelIds.length);
    for (let i = 0; i < batch.length; i++) used[batch.channel[i] as number] = 1;
    return batch.channelIds.map((id, c) => {
      if (used[c] !== 1) return [id, '', -1] as const;
      const p = placeOf(id);
      if (!p)
        throw new InputError(`channel '${id}' belongs to no known organisation and meter`, {
          field: 'channel',
          source: 'lake',
        });
      return p;
    });
  };
}

/**
 * Takes over the spools of dead writers, and those of live ones untouched for `staleMs`, and publishes
 * them; in our own folder it publishes what an earlier run with this id left.
 */
async function adoptSpools(o: {
  spoolRoot: string;
  mine: string;
  writerId: string;
  staleMs: number;
  now: () => number;
  publish: (path: string, name: string) => Promise<void>;
  retryLeftovers: () => Promise<void>;
}): Promise<void> {
  const writers = await readdir(o.spoolRoot).catch(() => [] as string[]);
  for (const w of writers) {
    const dir = join(o.spoolRoot, w);
    const dead = deadWriter(w, o.writerId);
    if (dir === o.mine) {
      await o.retryLeftovers();
      continue;
    }
    for (const f of await spoolFiles(dir)) {
      if (!dead && o.now() - f.mtimeMs < o.staleMs) continue;
      const target = join(o.mine, `${f.name}.spool`);
      // The rename is the claim: of two writers adopting the same spool, one gets ENOENT.
      const claimed = await rename(f.path, target).then(
        () => true,
        () => false,
      );
      if (claimed) await o.publish(target, f.name);
    }
    if (dead) await rmdir(dir).catch(() => undefined);
  }
}

async function lakeStatus(root: string, spooledReadings: number): Promise<LakeStatus> {
  const parts = await listPartitions(root);
  return {
    dir: root,
    partitions: parts.length,
    files: parts.reduce((s, p) => s + p.files.length, 0),
    bytes: parts.reduce((s, p) => s + p.files.reduce((b, f) => b + f.bytes, 0), 0),
    spooledReadings,
  };
}

/** Opens (and recovers) a Parquet lake. */
export async function openParquetLake(opts: ParquetLakeOptions): Promise<Lake> {
  const now = opts.now ?? Date.now;
  const shards = opts.shards ?? 16;
  const writerId = (opts.writerId ?? `${hostname()}.${process.pid}`).replace(/[^A-Za-z0-9_.@-]/g, '_');
  const flushRows = opts.flushRows ?? 1_000_000;
  const flushMs = opts.flushMs ?? 60_000;
  const staleMs = opts.staleMs ?? 600_000;
  const onError = opts.onError ?? (() => undefined);
  const root = opts.dir;
  const spoolRoot = join(root, SPOOL_DIR);
  const mine = join(spoolRoot, writerId);
  await mkdir(mine, { recursive: true });
  let db: DuckDBInstance;
  let conn: DuckDBConnection;
  try {
    db = await openLakeDb(opts.threads);
    conn = await db.connect();
  } catch (cause) {
    throw new LakeError('open DuckDB', root, { cause });
  }

  let spool: SpoolFile | undefined;
  let seq = 0;
  let appending: Promise<unknown> = Promise.resolve();
  let publishing: Promise<void> = Promise.resolve();
  let pending = 0;
  let compacting: Promise<CompactionResult> | undefined;
  const held = new Set<string>();
  const owner = randomUUID().slice(0, 8);

  const queued = new Set<string>();
  /** Publishes the spool at `path` after the ones queued before it (one DuckDB connection). */
  const publish = (path: string, name: string): Promise<void> => {
    pending++;
    queued.add(path);
    const run = publishing.then(async () => {
      try {
        await publishSpool(conn, root, path, name);
      } catch (cause) {
        throw new LakeError('publish spool', path, { cause });
      } finally {
        pending--;
        queued.delete(path);
      }
    });
    publishing = run.catch(onError);
    return run;
  };

  /** Publishes the spools of our folder that are neither open nor queued (a failed publish leaves one). */
  const retryLeftovers = async (): Promise<void> => {
    for (const f of await spoolFiles(mine))
      if (f.path !== spool?.path && !queued.has(f.path)) await publish(f.path, f.name);
  };

  /** Seals the open spool and queues it for publishing. */
  const seal = async (): Promise<void> => {
    const s = spool;
    if (!s) return;
    spool = undefined;
    queued.add(s.path);
    await s.close();
    void publish(s.path, s.path.slice(mine.length + 1, -'.spool'.length)).catch(() => undefined);
  };

  /** Takes over the spools of dead writers (and our own, left by an earlier run with this id) and publishes them. */
  const adopt = async (): Promise<void> => {
    await adoptSpools({ spoolRoot, mine, writerId, staleMs, now, publish, retryLeftovers });
    await sweepScratch(root, staleMs, now());
  };

  const resolve = placeResolver(opts.place, shards);

  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, fn: () => Promise<unknown>): void => {
    const t = setInterval(() => void fn().catch(onError), ms);
    t.unref();
    timers.push(t);
  };

  const lake: Lake = {
    dir: root,
    async append(batch) {
      if (batch.length === 0) return;
      const record = encodeRecord(batch, resolve(batch));
      // Back-pressure: appends wait while two sealed spools are still being published.
      if (pending > 2) await publishing;
      const run = appending.then(async () => {
        try {
          spool ??= await createSpoolFile(
            join(mine, `${spoolName(now(), writerId, seq++)}.spool`),
            opts.sync ?? false,
          );
          await spool.append(record, batch.length, now());
        } catch (cause) {
          throw new LakeError('append to spool', spool?.path ?? mine, { cause });
        }
        if (spool.readings >= flushRows) await seal();
      });
      appending = run.catch(() => undefined);
      return run;
    },
    async flush() {
      const sealed = appending.then(seal);
      appending = sealed.catch(() => undefined);
      await sealed;
      await publishing;
      await retryLeftovers();
    },
    compact(o = {}) {
      compacting ??= compactLake(
        conn,
        root,
        {
          minFiles: opts.minFiles ?? 8,
          targetBytes: opts.targetBytes ?? 256 * 1024 * 1024,
          staleMs,
          all: o.all ?? false,
          today: utcDay(now()),
          owner,
        },
        held,
      )
        .catch((cause: unknown) => {
          throw new LakeError('compact', root, { cause });
        })
        .finally(() => {
          compacting = undefined;
        });
      return compacting;
    },
    read: (q) => readLake(db, root, q),
    count: (q = {}) => countLake(db, root, q),
    extent: (q) => extentLake(db, root, q),
    exportWith: (req) => exportLake(db, root, req),
    status: () => lakeStatus(root, spool?.readings ?? 0),
    async close() {
      for (const t of timers) clearInterval(t);
      try {
        await lake.flush();
        await compacting?.catch(() => undefined);
      } finally {
        conn.closeSync();
        db.closeSync();
        // Everything is published: an empty folder of ours would only be adopted later.
        await rmdir(mine).catch(() => undefined);
      }
    },
  };
  await adopt();
  every(Math.min(flushMs, 1000), async () => {
    if (spool?.since !== undefined && now() - spool.since >= flushMs) {
      const sealed = appending.then(seal);
      appending = sealed.catch(() => undefined);
      await sealed;
    }
  });
  every(Math.max(staleMs / 2, 1000), adopt);
  if ((opts.compactEveryMs ?? 600_000) > 0) every(opts.compactEveryMs ?? 600_000, () => lake.compact());
  return lake;
}
