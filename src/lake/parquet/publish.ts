/**
 * Publishing: a spool file becomes one Parquet file per partition it touches. DuckDB writes them
 * hive-partitioned into a scratch folder; each is then renamed into its partition folder under a
 * name derived from the spool's, so a reader never sees half a file, and publishing the same spool
 * again after a crash (the spool is deleted last) replaces the same files instead of adding copies.
 */
import { mkdir, readdir, rename, rm, unlink } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { DOUBLE, INTEGER, UTINYINT, type DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../../store/duckdb/connection.ts';
import { appendColumns } from './db.ts';
import { TMP_DIR } from './layout.ts';
import { readSpool, type SpoolRecord } from './spool.ts';

/** The readings of a spool in one set of columns, channels numbered by a sorted dictionary. */
interface Staged {
  idx: Int32Array;
  ts: Float64Array;
  value: Float64Array;
  quality: Uint8Array;
  rn: Int32Array;
  dict: { channelId: string; org: string; shard: number }[];
}

/** Concatenates records, numbering each distinct (channel, org, shard) in channel id order. */
function stageRecords(records: SpoolRecord[]): Staged {
  const keyOf = (p: readonly [string, string, number]) => `${p[0]}\u0000${p[1]}\u0000${p[2]}`;
  const entries = new Map<string, { channelId: string; org: string; shard: number }>();
  for (const r of records)
    for (const p of r.places) entries.set(keyOf(p), { channelId: p[0], org: p[1], shard: p[2] });
  const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const number = new Map(sorted.map(([k], i) => [k, i]));
  const n = records.reduce((s, r) => s + r.ts.length, 0);
  const out: Staged = {
    idx: new Int32Array(n),
    ts: new Float64Array(n),
    value: new Float64Array(n),
    quality: new Uint8Array(n),
    rn: new Int32Array(n),
    dict: sorted.map(([, v]) => v),
  };
  let off = 0;
  for (const r of records) {
    const local = Int32Array.from(r.places, (p) => number.get(keyOf(p)) ?? 0);
    const m = r.ts.length;
    for (let i = 0; i < m; i++) {
      out.idx[off + i] = local[r.channel[i] as number] as number;
      out.rn[off + i] = off + i;
    }
    out.ts.set(r.ts, off);
    out.value.set(r.value, off);
    out.quality.set(r.quality, off);
    off += m;
  }
  return out;
}

/** Files under `dir`, as paths relative to it (the scratch folder is small: one file per partition). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.parquet'))
    .map((e) => relative(dir, join(e.parentPath, e.name)));
}

/**
 * Publishes the spool file at `spoolPath` under `name`; returns the number of readings it held.
 * Deletes the spool once every file is in place.
 */
export async function publishSpool(
  conn: DuckDBConnection,
  root: string,
  spoolPath: string,
  name: string,
): Promise<number> {
  const records = await readSpool(spoolPath).catch((err: NodeJS.ErrnoException) => {
    // Published and deleted already (by this writer before a retry, or by the writer that adopted it).
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (records === undefined) return 0;
  const staged = stageRecords(records);
  const n = staged.ts.length;
  const scratch = join(root, TMP_DIR, name);
  await rm(scratch, { recursive: true, force: true });
  if (n > 0) {
    await mkdir(join(root, TMP_DIR), { recursive: true });
    await conn.run(
      'CREATE OR REPLACE TEMP TABLE lake_stage (idx INTEGER, ts DOUBLE, value DOUBLE, quality UTINYINT, rn INTEGER)',
    );
    await conn.run(
      'CREATE OR REPLACE TEMP TABLE lake_dict (idx INTEGER, channel_id VARCHAR, org VARCHAR, shard INTEGER)',
    );
    await appendColumns(
      conn,
      'lake_stage',
      [INTEGER, DOUBLE, DOUBLE, UTINYINT, INTEGER],
      [staged.idx, staged.ts, staged.value, staged.quality, staged.rn],
      n,
    );
    const dict = await conn.createAppender('lake_dict');
    staged.dict.forEach((d, i) => {
      dict.appendInteger(i);
      dict.appendVarchar(d.channelId);
      dict.appendVarchar(d.org);
      dict.appendInteger(d.shard);
      dict.endRow();
    });
    dict.flushSync();
    dict.closeSync();
    // In-spool repeats (a batch the log delivered twice) go here already, first appended wins; the
    // dictionary is numbered in channel id order, so sorting by (idx, ts) sorts by channel and time.
    await conn.run(
      `COPY (
         SELECT d.channel_id, s.ts::BIGINT AS ts, s.value, s.quality, d.org,
                strftime(epoch_ms(s.ts::BIGINT), '%Y-%m-%d') AS day, d.shard
         FROM lake_stage s JOIN lake_dict d USING (idx)
         QUALIFY row_number() OVER (PARTITION BY s.idx, s.ts ORDER BY s.rn) = 1
         ORDER BY s.idx, s.ts
       ) TO ${sqlString(scratch)} (FORMAT parquet, PARTITION_BY (org, day, shard), FILENAME_PATTERN 'part{i}', OVERWRITE_OR_IGNORE)`,
    );
    await conn.run('DROP TABLE lake_stage');
    await conn.run('DROP TABLE lake_dict');
    for (const file of await filesUnder(scratch)) {
      const m = /^(org=[^/]+\/day=[^/]+\/shard=[^/]+)\/part(\d+)\.parquet$/.exec(file);
      if (!m) continue;
      const folder = join(root, m[1] as string);
      await mkdir(folder, { recursive: true });
      await rename(join(scratch, file), join(folder, `${name}-${m[2]}.parquet`));
    }
    await rm(scratch, { recursive: true, force: true });
  }
  await unlink(spoolPath);
  return n;
}
