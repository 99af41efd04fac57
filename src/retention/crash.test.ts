/**
 * kill -9 of a retention run, again and again at random points (appending, publishing, verifying,
 * deleting), then one run to the end: every reading of the world is read back once, with its value,
 * across store and lake; the store holds nothing before the boundary; after compaction the lake's
 * files hold each moved reading exactly once (nothing doubled on disk), and no spool is left.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, expect, it } from 'vitest';
import { openParquetLake } from '../lake/parquet/index.ts';
import { createDuckdbStore } from '../store/duckdb/index.ts';
import { RETENTION_DEFAULTS } from '../store/ports/retention.ts';
import { runRetention, utcMidnight } from './run.ts';
import { tieredReadings } from './tiered-readings.ts';
import {
  A_CHANNELS,
  DAY,
  DAYS,
  NOW,
  PLACES_BY_ID,
  T0,
  seedWorld,
  worldBatch,
  writeWorld,
} from './testing/world.ts';

const CHILD = fileURLToPath(new URL('./testing/crash-run.ts', import.meta.url));
let dir: string;
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** Starts a run in a child and kills it with SIGKILL once it printed `kills` progress lines. */
async function killMidRun(file: string, lake: string, after: number): Promise<boolean> {
  const proc: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD, file, lake], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let lines = 0;
  let done = false;
  await new Promise<void>((resolve) => {
    proc.stdout?.on('data', (d: Buffer) => {
      for (const l of d.toString().split('\n')) {
        if (l.startsWith('day ') && ++lines >= after) proc.kill('SIGKILL');
        if (l === 'done') done = true;
      }
    });
    proc.on('exit', () => resolve());
  });
  return done;
}

it('loses and doubles nothing when a run is killed at random points', async () => {
  dir = await mkdtemp(join(tmpdir(), 'loadscope-retention-crash-'));
  const file = join(dir, 'store.duckdb');
  const lakeDir = join(dir, 'lake');
  const seed = await createDuckdbStore({ path: file, threads: 1 });
  await seed.migrate();
  await seedWorld(seed);
  await writeWorld(seed.readings);
  await seed.close();

  let kills = 0;
  for (let k = 0; k < 4; k++)
    if (!(await killMidRun(file, lakeDir, 1 + Math.floor(Math.random() * 6)))) kills++;
  expect(kills).toBeGreaterThan(0);

  const store = await createDuckdbStore({ path: file, threads: 1 });
  const lake = await openParquetLake({
    dir: lakeDir,
    place: (id) => PLACES_BY_ID.get(id),
    shards: 4,
    compactEveryMs: 0,
  });
  try {
    await runRetention({ store, lake, now: () => NOW }, 'org-a');
    const rawBefore = utcMidnight(NOW - RETENTION_DEFAULTS.rawDays * DAY);
    const tiered = tieredReadings({
      readings: store.readings,
      retention: store.retention,
      catalog: store.catalog,
      lake: async () => lake,
    });
    const all = worldBatch(T0, T0 + DAYS * DAY);
    for (const id of A_CHANNELS) {
      const c = all.channelIds.indexOf(id);
      const want = [...all.ts].flatMap((t, i) => (all.channel[i] === c ? [[t, all.value[i]]] : []));
      const got = await tiered.readColumns(id, T0, T0 + DAYS * DAY);
      expect([...got.ts].map((t, i) => [t, got.value[i]])).toEqual(want);
      expect((await store.readings.extent(id))?.from).toBe(rawBefore);
    }
    await lake.compact({ all: true });
    const moved = ((rawBefore - T0) / 600_000) * A_CHANNELS.length;
    expect(await lake.count({ orgId: 'org-a' })).toBe(moved);
    // On disk too: every file, no deduplication.
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const onDisk = (
      await conn.runAndReadAll(
        `SELECT count(*)::DOUBLE FROM read_parquet('${lakeDir}/org=org-a/day=*/shard=*/*.parquet')`,
      )
    ).getRows()[0]?.[0];
    conn.closeSync();
    db.closeSync();
    expect(onDisk).toBe(moved);
  } finally {
    await lake.close();
    await store.close();
  }
  expect(await readdir(join(lakeDir, '_spool'))).toEqual([]);
}, 600_000);
