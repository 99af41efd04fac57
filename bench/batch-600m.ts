/**
 * Issue 12's end-to-end run, rerunnable by anyone (docs/batch.md, "600 M readings end to end"):
 *
 *   npx tsx bench/batch-600m.ts [--dir /work/tmp-600m] [--days 109] [--meters 1000] [--skip-sim] [--skip-import]
 *                               [--raw-baseline]
 *
 * 1. `loadscope simulate`: a seed 001-like fleet (1,000 meters, half the households appliance-level at
 *    1 minute, the rest seed 002 interval meters; 5.51 M readings a day, 109 days = 600.8 M) as Parquet;
 * 2. `loadscope import` of those files into a fresh embedded DuckDB store (`<dir>/state`, lake off);
 * 3. `loadscope batch --full`;
 * 4. in this process, on the same file: the best hand-written DuckDB statement for the same results
 *    (hourly and daily energy per channel and local day from the minute rows, p97 per channel), and
 *    with `--raw-baseline` the usual one over raw readings (LEAD per channel: ~24 GB at 600 M);
 * 5. one more simulated day imported, then an incremental `loadscope batch`;
 * 6. in this process: the stored p97 (from the per-channel-day sketches, src/store/sql/rollups/sketch-sql.ts)
 *    against the exact p97 (`quantile_cont` over every active reading) of every channel after the
 *    full and after the incremental run: largest and mean relative difference, channels exact.
 * Every CLI stage runs in its own process under `/usr/bin/time -v` (wall, CPU, peak RSS); disk is the
 * state folder after the stage; the load average is printed with every figure. Delete `<dir>` after.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values: o } = parseArgs({
  options: {
    dir: { type: 'string', default: '/work/tmp-600m' },
    days: { type: 'string', default: '109' },
    meters: { type: 'string', default: '1000' },
    'skip-sim': { type: 'boolean', default: false },
    'skip-import': { type: 'boolean', default: false },
    'raw-baseline': { type: 'boolean', default: false },
  },
});
const dir = resolve(o.dir);
const days = Number(o.days);
const state = join(dir, 'state');
const cli = resolve(import.meta.dirname, '../bin/loadscope.js');
const env = { ...process.env, LOADSCOPE_DATA_DIR_STATE: state, LOADSCOPE_LAKE: 'off' };
const fleetArgs = ['--meters', String(o.meters), '--appliance-share', '0.5', '--sample', '60'];
const FROM = Date.UTC(2024, 0, 1);

/** One row of the result table. */
interface Stage {
  stage: string;
  seconds: number;
  cpu?: number;
  rssGb: number;
  diskGb?: number;
  load: string;
  note?: string;
}
const stages: Stage[] = [];
/** Sketch p97 against exact p97, after each batch. */
const checks: string[] = [];
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ');
const du = (p: string) => Number(execFileSync('du', ['-sb', p]).toString().split('\t')[0]) / 1e9;

/** Runs `loadscope args` under /usr/bin/time -v, streaming its stderr; wall, CPU seconds and peak RSS. */
async function run(stage: string, args: string[], note?: string): Promise<Stage> {
  const before = load();
  const t0 = performance.now();
  const err: string[] = [];
  const code = await new Promise<number | null>((done) => {
    const p = spawn('/usr/bin/time', ['-v', 'node', cli, ...args], {
      env,
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    p.stderr.on('data', (b: Buffer) => {
      const s = b.toString();
      err.push(s);
      if (!s.includes('\t')) process.stderr.write(s);
    });
    p.on('close', done);
  });
  const seconds = (performance.now() - t0) / 1000;
  const text = err.join('');
  if (code !== 0)
    throw new Error(`${stage}: loadscope ${args.join(' ')} exited with ${code}\n${text.slice(-2000)}`);
  const field = (name: string) => Number(new RegExp(`${name}: ([\\d.]+)`).exec(text)?.[1] ?? NaN);
  const s: Stage = {
    stage,
    seconds,
    cpu: field('User time \\(seconds\\)') + field('System time \\(seconds\\)'),
    rssGb: (field('Maximum resident set size \\(kbytes\\)') * 1024) / 1e9,
    ...(existsSync(state) ? { diskGb: du(state) } : {}),
    load: `${before} -> ${load()}`,
    ...(note ? { note } : {}),
  };
  stages.push(s);
  console.error(
    `== ${stage}: ${seconds.toFixed(1)} s, ${s.cpu?.toFixed(1)} CPU s, peak ${s.rssGb.toFixed(2)} GB (load ${s.load})`,
  );
  return s;
}

/** The best hand-written statement for the batch's results on this data: every channel here is regular. */
const HAND_WRITTEN = `CREATE OR REPLACE TEMP TABLE hw AS
WITH ch AS (SELECT c.key, f.time_zone AS tz, c.measurement FROM channels c JOIN meters m ON m.id = c.meter_id
  JOIN facilities f ON f.id = m.facility_id),
ev AS (SELECT channel_key, first_ts AS ts, 0 AS kind, NULL::DOUBLE AS v FROM reading_minutes WHERE edge IN (1, 3)
  UNION ALL SELECT channel_key, last_ts, 1, last_v FROM reading_minutes WHERE edge IN (2, 3)),
b AS (SELECT channel_key, ts, kind, v, lead(ts) OVER (PARTITION BY channel_key ORDER BY ts, kind) - ts AS dt FROM ev),
e AS (SELECT m.channel_key, m.minute // 900000 AS slot,
    CASE WHEN ch.measurement = 'interval' THEN m.sum_v ELSE m.pair_e / 3600000.0 END AS wh
  FROM reading_minutes m JOIN ch ON ch.key = m.channel_key
  UNION ALL SELECT channel_key, ts // 900000, v * dt / 3600000.0 FROM b WHERE kind = 1 AND dt IS NOT NULL),
s AS (SELECT channel_key, slot, sum(wh) AS wh FROM e GROUP BY ALL),
cal AS (SELECT tz, slot, date_trunc('hour', timezone(tz, to_timestamp(slot * 900))) AS hour
  FROM (SELECT DISTINCT ch.tz, s.slot FROM s JOIN ch ON ch.key = s.channel_key)),
h AS (SELECT s.channel_key, cal.hour, sum(s.wh) AS wh FROM s JOIN ch ON ch.key = s.channel_key
  JOIN cal ON cal.tz = ch.tz AND cal.slot = s.slot GROUP BY ALL),
d AS (SELECT channel_key, CAST(hour AS DATE) AS day, sum(wh) AS wh FROM h GROUP BY ALL),
p AS (SELECT channel_key, quantile_cont(value, 0.97) FILTER (WHERE value > 0) AS p97 FROM readings GROUP BY channel_key)
SELECT 'hour' AS period, channel_key, CAST(hour AS VARCHAR) AS label, wh, NULL AS p97 FROM h
UNION ALL SELECT 'day', channel_key, CAST(day AS VARCHAR), wh, NULL FROM d
UNION ALL SELECT 'p97', channel_key, NULL, NULL, p97 FROM p`;

/** The usual statement over raw readings: daily energy with LEAD per channel (as bench/batch.bench.ts), and p97. */
const RAW_BASELINE = `CREATE OR REPLACE TEMP TABLE hw_raw AS
WITH ch AS (SELECT c.key, f.time_zone AS tz FROM channels c JOIN meters m ON m.id = c.meter_id JOIN facilities f ON f.id = m.facility_id),
n AS (SELECT channel_key, ts, value, lead(ts) OVER (PARTITION BY channel_key ORDER BY ts) AS nts FROM readings),
e AS (SELECT n.channel_key, ch.tz, n.ts // 900000 AS slot, sum(n.value * (n.nts - n.ts)) / 3600000.0 AS wh
  FROM n JOIN ch ON ch.key = n.channel_key GROUP BY ALL),
cal AS (SELECT DISTINCT tz, slot, CAST(timezone(tz, to_timestamp(slot * 900)) AS DATE) AS day FROM e),
d AS (SELECT e.channel_key, cal.day, sum(e.wh) AS wh FROM e JOIN cal USING (tz, slot) GROUP BY ALL),
p AS (SELECT channel_key, quantile_cont(value, 0.97) FILTER (WHERE value > 0) AS p97 FROM readings GROUP BY channel_key)
SELECT d.channel_key, d.day, d.wh, p.p97 FROM d JOIN p USING (channel_key)`;

/** Sketch rows and the stored p97 against `exact` (a query of `channel_key, p97`), as one line of {@link checks}. */
async function sketchCheck(conn: DuckDBConnection, when: string, exact: string): Promise<void> {
  const [r] = (
    await conn.runAndReadAll(`SELECT count(*) AS channels,
        max(abs(e.p97 - t.value) / e.p97) AS max_rel, avg(abs(e.p97 - t.value) / e.p97) AS mean_rel,
        count(*) FILTER (WHERE e.p97 = t.value) AS exact,
        (SELECT count(*) FROM threshold_days) AS sketch_days, (SELECT count(*) FROM threshold_buckets) AS sketch_buckets
      FROM (${exact}) e JOIN thresholds t ON t.channel_key = e.channel_key AND t.name = 'p97'`)
  ).getRowObjectsJS();
  const n = (k: string) => Number(r?.[k] ?? NaN);
  const line =
    `sketch p97 against exact p97 ${when}: ${n('channels')} channels, largest relative difference ` +
    `${(n('max_rel') * 100).toFixed(3)} %, mean ${(n('mean_rel') * 100).toFixed(4)} %, ${n('exact')} exact; ` +
    `${n('sketch_days').toLocaleString('en-US')} sketch days, ${n('sketch_buckets').toLocaleString('en-US')} bucket rows`;
  checks.push(line);
  console.error(line);
}

/** After the incremental run: the exact p97 over every reading, against the stored (merged) sketch p97. */
async function checkAfterIncremental(): Promise<void> {
  const db = await DuckDBInstance.create(join(state, 'loadscope.duckdb'));
  const conn = await db.connect();
  try {
    await sketchCheck(
      conn,
      'after the incremental batch',
      `SELECT channel_key, quantile_cont(value, 0.97) FILTER (WHERE value > 0) AS p97 FROM readings GROUP BY channel_key`,
    );
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

async function handWritten(): Promise<void> {
  const db = await DuckDBInstance.create(join(state, 'loadscope.duckdb'));
  const conn = await db.connect();
  try {
    const n = Number((await conn.runAndReadAll('SELECT count(*) FROM readings')).getRows()[0]?.[0]);
    const minutes = Number(
      (await conn.runAndReadAll('SELECT count(*) FROM reading_minutes')).getRows()[0]?.[0],
    );
    console.error(
      `store: ${n.toLocaleString('en-US')} readings, ${minutes.toLocaleString('en-US')} minute rows`,
    );
    const timed = async (stage: string, sql: string) => {
      const before = load();
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await conn.run(sql);
      const c = process.cpuUsage(c0);
      stages.push({
        stage,
        seconds: (performance.now() - t0) / 1000,
        cpu: (c.user + c.system) / 1e6,
        rssGb: (process.resourceUsage().maxRSS * 1024) / 1e9,
        load: `${before} -> ${load()}`,
        note: `${n.toLocaleString('en-US')} readings`,
      });
      console.error(`== ${stage}: ${stages.at(-1)?.seconds.toFixed(1)} s`);
    };
    await timed('hand-written statement over minute rows (same results)', HAND_WRITTEN);
    // Same numbers as the batch: total daily energy and the p97s.
    const [chk] = (
      await conn.runAndReadAll(
        `SELECT (SELECT sum(wh) FROM hw WHERE period = 'day') AS hw, (SELECT sum(energy) FROM rollups_day) AS batch`,
      )
    ).getRowObjectsJS();
    console.error(
      `check: ${JSON.stringify(chk, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))}`,
    );
    await sketchCheck(conn, 'after batch --full', `SELECT channel_key, p97 FROM hw WHERE period = 'p97'`);
    if (o['raw-baseline']) await timed('hand-written statement over raw readings (LEAD)', RAW_BASELINE);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

mkdirSync(dir, { recursive: true });
const fleet = join(dir, 'fleet');
if (!o['skip-sim'])
  await run('simulate (Parquet)', [
    'simulate',
    ...fleetArgs,
    '--days',
    String(days),
    '--format',
    'parquet',
    '--out',
    fleet,
  ]);
if (!o['skip-import'])
  await run('import into DuckDB', ['import', join(fleet, 'registrations.csv'), join(fleet, 'parquet')]);
await run('batch --full', ['batch', '--full']);
await handWritten();
// One more day: simulated on its own (same seed and fleet), imported, then the incremental batch.
const next = join(dir, 'next-day');
const nextFrom = new Date(FROM + days * 86_400_000).toISOString().slice(0, 10);
await run('simulate one more day', [
  'simulate',
  ...fleetArgs,
  '--from',
  nextFrom,
  '--days',
  '1',
  '--format',
  'parquet',
  '--out',
  next,
]);
await run('import one more day', ['import', join(next, 'parquet')]);
await run('batch (incremental, after one new day)', ['batch']);
await checkAfterIncremental();

console.log(
  '| stage | wall s | CPU s | peak RSS GB | store on disk GB | load average (1/5/15 min, before -> after) |',
);
console.log('| --- | --- | --- | --- | --- | --- |');
for (const s of stages)
  console.log(
    `| ${s.stage}${s.note ? ` (${s.note})` : ''} | ${s.seconds.toFixed(1)} | ${s.cpu?.toFixed(1) ?? ''} | ${s.rssGb.toFixed(2)} | ${s.diskGb?.toFixed(2) ?? ''} | ${s.load} |`,
  );
for (const c of checks) console.log(`\n${c}`);
