/**
 * The reduce step of a sharded batch run (src/batch/shards/), written once for both adapters: the
 * partial files of every task are staged into temp tables (by the adapter, which knows how to read
 * Parquet), then every rollup row, every threshold sketch row and the named thresholds are replaced
 * with them in one transaction. A channel lives in one meter shard, so the partial rows of different
 * tasks never overlap: the reduce concatenates them; facility and zip code rows are sums the serving
 * queries take over these. The sketches (per channel and UTC day, sketch-sql.ts) are what the next
 * incremental run merges its changed days with, so they must be the lake's, like the rollups.
 */
import type { PartialFiles, PartialKind, PartialsResult } from '../../ports/rollups.ts';
import type { RollupDialect } from './dialect.ts';
import { num, type SqlExec, type SqlSession } from './sql-db.ts';

/** Kinds of partial files and the store table each fills. */
export const PARTIAL_TABLES = {
  hour: 'rollups_hour',
  day: 'rollups_day',
  thresholds: 'thresholds',
  sketchDays: 'threshold_days',
  sketchBuckets: 'threshold_buckets',
} as const satisfies Record<PartialKind, string>;
/** SQL type names of the partial files' columns (each dialect maps them). */
export type PartialType = 'VARCHAR' | 'BIGINT' | 'DOUBLE';

const ROLLUP_COLUMNS: readonly (readonly [string, PartialType])[] = [
  ['channel_id', 'VARCHAR'],
  ['start_ts', 'BIGINT'],
  ['label', 'VARCHAR'],
  ['energy', 'DOUBLE'],
  ['covered_ms', 'BIGINT'],
  ['length_ms', 'BIGINT'],
  ['mean_power', 'DOUBLE'],
  ['min_power', 'DOUBLE'],
  ['max_power', 'DOUBLE'],
  ['samples', 'BIGINT'],
  ['coverage', 'DOUBLE'],
];

/** Columns of each kind of partial file, in order: the store table's, with `channel_id` for the key. */
export const PARTIAL_COLUMNS: Record<PartialKind, readonly (readonly [string, PartialType])[]> = {
  hour: ROLLUP_COLUMNS,
  day: ROLLUP_COLUMNS,
  thresholds: [
    ['channel_id', 'VARCHAR'],
    ['name', 'VARCHAR'],
    ['value', 'DOUBLE'],
    ['percentile', 'DOUBLE'],
    ['computed_at', 'BIGINT'],
    ['from_ts', 'BIGINT'],
    ['to_ts', 'BIGINT'],
  ],
  sketchDays: [
    ['channel_id', 'VARCHAR'],
    ['day', 'BIGINT'],
    ['readings', 'BIGINT'],
    ['active', 'BIGINT'],
    ['first_ts', 'BIGINT'],
    ['last_ts', 'BIGINT'],
  ],
  sketchBuckets: [
    ['channel_id', 'VARCHAR'],
    ['day', 'BIGINT'],
    ['bucket', 'BIGINT'],
    ['n', 'BIGINT'],
    ['min_v', 'DOUBLE'],
    ['max_v', 'DOUBLE'],
  ],
};

/**
 * Fills the temp table `table` (created with {@link PARTIAL_COLUMNS} of `kind`) with the rows of
 * Parquet `files`. Adapter-specific: DuckDB reads them in SQL; PostgreSQL through an in-memory DuckDB.
 */
export type PartialLoader = (
  s: SqlSession,
  table: string,
  kind: PartialKind,
  files: string[],
) => Promise<void>;

/** Column definitions of a partial kind in a dialect. */
function columnDefs(d: RollupDialect, kind: PartialKind): string {
  return PARTIAL_COLUMNS[kind].map(([n, t]) => `${n} ${t === 'DOUBLE' ? d.double : t}`).join(', ');
}

/** Replaces all rollups, sketches and the named thresholds with the partial files' rows, in one transaction. */
export async function replaceFromPartials(
  s: SqlSession,
  d: RollupDialect,
  load: PartialLoader,
  p: PartialFiles,
): Promise<PartialsResult> {
  for (const kind of Object.keys(PARTIAL_TABLES) as PartialKind[]) {
    const table = `b_part_${kind}`;
    await s.run(d.tempTable(table, { cols: columnDefs(d, kind) }));
    if (p[kind].length > 0) await load(s, table, kind, p[kind]);
  }
  const names = [...new Set(p.thresholdNames)];
  return s.atomic(async () => {
    const insert = (kind: PartialKind) => {
      const cols = PARTIAL_COLUMNS[kind].slice(1).map(([n]) => n);
      return s.run(`INSERT INTO ${PARTIAL_TABLES[kind]} (channel_key, ${cols.join(', ')})
        SELECT c.key, ${cols.map((n) => `p.${n}`).join(', ')} FROM b_part_${kind} p JOIN channels c ON c.id = p.channel_id`);
    };
    await s.run('DELETE FROM rollups_hour');
    await s.run('DELETE FROM rollups_day');
    const hourRows = await insert('hour');
    const dayRows = await insert('day');
    await s.run('DELETE FROM threshold_days');
    await s.run('DELETE FROM threshold_buckets');
    await insert('sketchDays');
    await insert('sketchBuckets');
    if (names.length > 0)
      await s.run(
        `DELETE FROM thresholds WHERE name IN (${names.map((_, i) => `$${i + 1}`).join(', ')})`,
        names,
      );
    const thresholds = await insert('thresholds');
    return { hourRows, dayRows, thresholds };
  });
}

/** Names and percentiles of the thresholds stored so far (a full run refreshes all of them). */
export async function storedPercentiles(db: SqlExec): Promise<{ name: string; percentile: number }[]> {
  const rows = await db.all(
    'SELECT DISTINCT name, percentile FROM thresholds WHERE percentile IS NOT NULL ORDER BY name',
  );
  return rows.map((r) => ({ name: String(r['name']), percentile: num(r['percentile']) }));
}
