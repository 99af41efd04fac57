/**
 * The {@link RollupRepo} over any SQL database with a {@link RollupDialect}: the DuckDB and PostgreSQL
 * adapters both use it, so the two compute rollups with the same SQL.
 */
import { type Threshold, thresholdName } from '../../../domain/types.ts';
import type {
  ChangedRange,
  RecomputeResult,
  RollupExport,
  RollupRepo,
  RollupRow,
} from '../../ports/rollups.ts';
import { calendarSql } from './calendar.ts';
import type { RollupDialect } from './dialect.ts';
import {
  ALL_CAL_RANGES,
  ALL_CAL_RANGES_WITH_MINUTES,
  CHANGED_CAL_RANGES,
  WINDOW_DAYS_SQL,
  aggregateSql,
  changesTableSql,
  channelsSql,
  deleteSql,
  insertRollupsSql,
  windowsSql,
} from './recompute-sql.ts';
import { eventsSql, minuteStatsSql } from './minutes-sql.ts';
import { replaceFromPartials, storedPercentiles, type PartialLoader } from './partials-sql.ts';
import { exportRowsSql, servingSql, type SqlQuery } from './serving-sql.ts';
import { num, numOrNull, type SqlDb, type SqlExec, type SqlSession } from './sql-db.ts';
import {
  NEW_SKETCH_DAYS_SQL,
  SKETCHED_CHANNELS,
  SKETCH_DAY_MS,
  changedSketchDaysSql,
  newSketchSql,
  replaceSketchSql,
  sketchDaysTableSql,
  unsketchedChannelsSql,
  unsketchedDaysSql,
} from './sketch-sql.ts';
import { deleteThresholdsSql, insertThresholdsSql } from './thresholds-sql.ts';

/** Writes the rows of a query to a file; returns how many. Adapter-specific (DuckDB COPY, pg + CSV). */
export type ExportWriter = (query: SqlQuery, format: RollupExport['format'], path: string) => Promise<number>;

const CHUNK = 500;

/** Builds the SQL rollup repository. */
export function createSqlRollupRepo(opts: {
  db: SqlDb;
  dialect: RollupDialect;
  exportRows: ExportWriter;
  /** Stages a sharded batch run's Parquet partial files into a temp table (adapter-specific). */
  loadPartial: PartialLoader;
}): RollupRepo {
  const { db, dialect: d } = opts;
  return {
    recompute: (scope) =>
      db.session((s) => (scope === 'all' ? recomputeAllFromMinutes(s, d) : recomputeChanged(s, d, scope))),
    computeThresholds: ({ percentile, channelIds, changes, now }) =>
      db.session((s) =>
        computeThresholds(s, d, {
          percentiles: [{ name: thresholdName(percentile), percentile }],
          channelIds,
          changes,
          now,
        }),
      ),
    replaceFromPartials: (files) => db.session((s) => replaceFromPartials(s, d, opts.loadPartial, files)),
    thresholdPercentiles: () => storedPercentiles(db),
    async getThresholds(name = 'p97') {
      const rows = await db.all(
        `SELECT c.id AS channel_id, t.name, t.value, t.percentile, t.computed_at, t.from_ts, t.to_ts
         FROM thresholds t JOIN channels c ON c.key = t.channel_key WHERE t.name = $1 ORDER BY c.id`,
        [name],
      );
      return rows.map((r): Threshold => ({
        channelId: String(r['channel_id']),
        name: String(r['name']),
        value: num(r['value']),
        percentile: numOrNull(r['percentile']),
        computedAt: num(r['computed_at']),
        from: num(r['from_ts']),
        to: num(r['to_ts']),
      }));
    },
    async listRollups(query) {
      const q = servingSql(query);
      const rows = await db.all(q.sql, q.params);
      return rows.map((r): RollupRow => ({
        level: query.level,
        key: String(r['key']),
        name: r['name'] === null ? null : String(r['name']),
        period: query.period,
        start: num(r['start_ts']),
        label: String(r['label']),
        unit: String(r['unit']),
        energy: num(r['energy']),
        meanPower: numOrNull(r['mean_power']),
        minPower: numOrNull(r['min_power']),
        maxPower: numOrNull(r['max_power']),
        samples: num(r['samples']),
        coverage: num(r['coverage']),
        channels: num(r['channels']),
      }));
    },
    exportRollups: (req) => opts.exportRows(exportRowsSql(req), req.format, req.path),
  };
}

async function count(tx: SqlExec, sql: string): Promise<number> {
  const [r] = await tx.all(sql);
  return r ? num(Object.values(r)[0]) : 0;
}

async function hasRegisters(tx: SqlExec): Promise<boolean> {
  return (await count(tx, `SELECT COUNT(*) FROM b_ch WHERE measurement = 'register'`)) > 0;
}

async function writeRollups(tx: SqlExec, d: RollupDialect): Promise<Omit<RecomputeResult, 'days'>> {
  const hourRows = await tx.run(insertRollupsSql(d, 'hour'));
  const dayRows = await tx.run(insertRollupsSql(d, 'day'));
  const channels = await count(tx, 'SELECT COUNT(DISTINCT channel_key) FROM b_agg');
  return { channels, hourRows, dayRows };
}

/** Temp tables `b_ev`, `b_mst` and `b_ch` for the channels matching `where` on `channels c`. */
async function prepareChannels(s: SqlSession, d: RollupDialect, where?: string): Promise<void> {
  await s.run(eventsSql(d, where));
  await s.run(minuteStatsSql(d, where));
  await s.run(channelsSql(d, where));
}

/**
 * Rebuilds every rollup row from the raw readings of the relation `readings` on the session. This is
 * the seam of the sharded batch (src/batch/shards/): each task runs it on its own DuckDB, where
 * `readings` is its lake partitions, so keep it a function of the raw readings alone.
 */
export async function recomputeAllFromReadings(s: SqlSession, d: RollupDialect): Promise<RecomputeResult> {
  await s.run(channelsSql(d, 'TRUE', false));
  await s.run(calendarSql(d, ALL_CAL_RANGES));
  await s.run(aggregateSql(d, true, await hasRegisters(s), { minutes: false, raw: true }));
  return replaceAll(s, d);
}

/**
 * Rebuilds every rollup row of the store, reading the minute rows of the channels where they give
 * the raw formula's result (minutes-sql.ts) and raw readings for the others.
 */
async function recomputeAllFromMinutes(s: SqlSession, d: RollupDialect): Promise<RecomputeResult> {
  await prepareChannels(s, d);
  await s.run(calendarSql(d, ALL_CAL_RANGES_WITH_MINUTES));
  const raw = (await count(s, 'SELECT COUNT(*) FROM b_ch WHERE NOT fast')) > 0;
  await s.run(aggregateSql(d, true, raw && (await hasRegisters(s)), { minutes: true, raw }));
  const r = await replaceAll(s, d);
  const fromMinutes = await count(
    s,
    'SELECT COUNT(DISTINCT a.channel_key) FROM b_agg a JOIN b_ch h ON h.channel_key = a.channel_key AND h.fast',
  );
  return { ...r, fromMinutes };
}

/** Replaces every rollup row with `b_agg`'s, in one transaction. */
async function replaceAll(s: SqlSession, d: RollupDialect): Promise<RecomputeResult> {
  const written = await s.atomic(async () => {
    await s.run(deleteSql('rollups_hour', true));
    await s.run(deleteSql('rollups_day', true));
    return writeRollups(s, d);
  });
  return { ...written, days: written.dayRows };
}

/** Temp table `b_chg` holding `changes`. */
async function changesTable(s: SqlSession, d: RollupDialect, changes: ChangedRange[]): Promise<void> {
  await s.run(changesTableSql(d));
  for (let i = 0; i < changes.length; i += CHUNK) {
    const slice = changes.slice(i, i + CHUNK);
    const params = slice.flatMap((c) => [c.channelId, Math.floor(c.from), Math.floor(c.to)]);
    const tuples = slice.map(
      (_, j) => `($${j * 3 + 1}, CAST($${j * 3 + 2} AS BIGINT), CAST($${j * 3 + 3} AS BIGINT))`,
    );
    await s.run(`INSERT INTO b_chg VALUES ${tuples.join(', ')}`, params);
  }
}

async function recomputeChanged(
  s: SqlSession,
  d: RollupDialect,
  changes: ChangedRange[],
): Promise<RecomputeResult> {
  if (changes.length === 0) return { channels: 0, days: 0, hourRows: 0, dayRows: 0 };
  await changesTable(s, d, changes);
  await prepareChannels(s, d, 'c.id IN (SELECT channel_id FROM b_chg)');
  await s.run(calendarSql(d, CHANGED_CAL_RANGES));
  await s.run(windowsSql(d));
  const [w] = await s.all('SELECT MIN(from_ts) AS lo, MAX(read_to) AS hi FROM b_win');
  const bounds = w && w['lo'] !== null ? { from: num(w['lo']), to: num(w['hi']) } : undefined;
  await s.run(aggregateSql(d, false, await hasRegisters(s), undefined, bounds));
  const written = await s.atomic(async () => {
    await s.run(deleteSql('rollups_hour', false));
    await s.run(deleteSql('rollups_day', false));
    return writeRollups(s, d);
  });
  return { ...written, days: await count(s, WINDOW_DAYS_SQL) };
}

/** What {@link computeThresholds} computes and from what. */
export interface ThresholdRun {
  /** Percentiles to write, by name (`p97`); the percentiles stored before are refreshed too. */
  percentiles: { name: string; percentile: number }[];
  /** Thresholds of these channels only; all when undefined. */
  channelIds?: string[] | undefined;
  /**
   * The changed ranges: only the sketches of their UTC days (and every day of a channel in scope
   * that has no sketch yet) are rebuilt from raw readings. Undefined: every day with raw readings of
   * the channels in scope.
   */
  changes?: ChangedRange[] | undefined;
  /** `computed_at` of the thresholds. */
  now: number;
}

/**
 * Rebuilds the sketches the run names from the raw readings of the relation `readings`, then writes
 * the percentile thresholds of the channels in scope from their merged sketches, in one transaction;
 * returns how many thresholds it wrote. Also the sharded batch's seam (see
 * {@link recomputeAllFromReadings}): a task rebuilds its channels' sketches from its lake partitions.
 */
export async function computeThresholds(s: SqlSession, d: RollupDialect, run: ThresholdRun): Promise<number> {
  const { channelIds, changes } = run;
  const some = channelIds !== undefined;
  if (some) {
    if (channelIds.length === 0) return 0;
    await s.run(d.tempTable('b_thr', { cols: 'channel_key INTEGER' }));
    for (let i = 0; i < channelIds.length; i += CHUNK) {
      const slice = channelIds.slice(i, i + CHUNK);
      await s.run(
        `INSERT INTO b_thr SELECT key FROM channels WHERE id IN (${slice.map((_, j) => `$${j + 1}`).join(', ')})`,
        slice,
      );
    }
  }
  const rebuilt = await prepareSketch(s, d, some, changes);
  // Percentiles stored before (e.g. a p99 asked for once) are kept up to date along with the requested one.
  const stored = await s.all(
    `SELECT DISTINCT name, percentile FROM thresholds WHERE percentile IS NOT NULL${some ? ' AND channel_key IN (SELECT channel_key FROM b_thr)' : ''}`,
  );
  const todo = new Map<string, number>(run.percentiles.map((p) => [p.name, p.percentile]));
  for (const r of stored) todo.set(String(r['name']), num(r['percentile']));
  return s.atomic(async () => {
    if (rebuilt) for (const sql of replaceSketchSql()) await s.run(sql);
    let written = 0;
    for (const [name, p] of todo) {
      await s.run(deleteThresholdsSql(some), [name]);
      written += await s.run(insertThresholdsSql(d, p, some), [name, Math.floor(run.now)]);
    }
    return written;
  });
}

/**
 * Temp tables `b_skd` (the days whose sketch is replaced) and `b_nsk` (their new rows), prepared
 * outside the write transaction; false when no day needs a new sketch.
 */
async function prepareSketch(
  s: SqlSession,
  d: RollupDialect,
  some: boolean,
  changes: ChangedRange[] | undefined,
): Promise<boolean> {
  await s.run(sketchDaysTableSql(d));
  if (changes === undefined) {
    await s.run(newSketchSql(d, { kind: some ? 'channels' : 'all' }));
    await s.run(NEW_SKETCH_DAYS_SQL);
    return true;
  }
  await changesTable(s, d, changes);
  await s.run(changedSketchDaysSql(d));
  await s.run(unsketchedChannelsSql(d, some ? 'SELECT channel_key FROM b_thr' : SKETCHED_CHANNELS));
  if ((await count(s, 'SELECT COUNT(*) FROM b_sku')) > 0) await s.run(unsketchedDaysSql(d));
  const [r] = await s.all('SELECT MIN(day) AS lo, MAX(day) AS hi FROM b_skd');
  if (!r || r['lo'] === null || r['lo'] === undefined) return false;
  const from = num(r['lo']) * SKETCH_DAY_MS;
  const to = (num(r['hi']) + 1) * SKETCH_DAY_MS;
  await s.run(newSketchSql(d, { kind: 'days', from, to }));
  return true;
}
