/**
 * kill -9 of a lake writer (while it appends, publishes and compacts) and of a lake compactor: no
 * acknowledged reading is lost, and once the next writer has recovered and compacted, none is on
 * disk twice and no scratch file or journal is left. Extends the crash tests of the store
 * (src/store/contract/crash-writer.ts) and of `loadscope start` (src/realtime/kill.test.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mulberry32 } from '../util/random.ts';
import { openParquetLake } from './parquet/index.ts';
import { CRASH_PER_CHANNEL, crashBatch } from './testing/crash-lake.ts';
import { CHANNELS, placeOf } from './testing/fixtures.ts';

const CHILD = fileURLToPath(new URL('./testing/crash-lake.ts', import.meta.url));
const PER_BATCH = CRASH_PER_CHANNEL * CHANNELS.length;

/** Starts the child; `onLine` sees each line it prints. */
function child(
  args: string[],
  onLine: (line: string) => void,
): { proc: ChildProcess; exited: Promise<void> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let buf = '';
  proc.stdout?.on('data', (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    lines.forEach(onLine);
  });
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve, reject) =>
    proc.once('exit', (code, signal) =>
      signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited ${code}: ${err.slice(-2000)}`)),
    ),
  );
  return { proc, exited };
}

/** Readings on disk and distinct (channel, timestamp) pairs among them, read as any DuckDB user would. */
async function onDisk(dir: string): Promise<{ rows: number; distinct: number }> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const r = await conn.runAndReadAll(
      `SELECT count(*)::INTEGER AS rows, count(DISTINCT (channel_id, ts))::INTEGER AS distinct
       FROM read_parquet('${join(dir, 'org=*/day=*/shard=*/*.parquet')}', hive_partitioning = true)`,
    );
    const row = r.getRowObjectsJS()[0] as { rows: number; distinct: number };
    return { rows: Number(row.rows), distinct: Number(row.distinct) };
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

/** Files a crash may leave behind that recovery must clear: scratch outputs, journals, spools. */
async function leftovers(dir: string): Promise<string[]> {
  const all = await readdir(dir, { recursive: true });
  return all.filter((f) => /\.tmp$|_compacting\.json|\.spool$|\.draft$/.test(f));
}

describe('lake under kill -9', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loadscope-lake-crash-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('of the writer: nothing acknowledged lost, nothing doubled once recovered and compacted', async () => {
    const random = mulberry32(11);
    let acked = -1;
    for (let run = 0; run < 4; run++) {
      // The log redelivers the last acknowledged batch after a crash (at-least-once).
      const from = Math.max(0, acked);
      const target = from + 3 + Math.floor(random() * 12);
      await new Promise<void>((resolve, reject) => {
        const c = child(['write', dir, String(from)], (line) => {
          const m = /^acked (\d+)$/.exec(line);
          if (m) acked = Number(m[1]);
          if (acked >= target) c.proc.kill('SIGKILL');
        });
        c.exited.then(resolve, reject);
      });
    }
    const lake = await openParquetLake({ dir, place: placeOf, compactEveryMs: 0 });
    try {
      await lake.flush();
      const count = await lake.count();
      // Every acknowledged batch; the one in flight at the last kill may have landed too.
      expect([(acked + 1) * PER_BATCH, (acked + 2) * PER_BATCH]).toContain(count);
      const last = await lake.read({ channelIds: ['b-m2-mains'], from: crashBatch(acked).ts[0] });
      expect(last.value[0]).toBe(acked * 1e6);
      await lake.compact({ all: true });
      expect(await onDisk(dir)).toEqual({ rows: count, distinct: count });
    } finally {
      await lake.close();
    }
    expect(await leftovers(dir)).toEqual([]);
  }, 120_000);

  it('of the compactor: nothing lost, repeats gone and no scratch left once the next compactor ran', async () => {
    const random = mulberry32(5);
    let batches = 0;
    let interrupted = 0;
    // Six runs, more while no kill has yet caught a compaction at work (a loaded machine shifts timings).
    for (let run = 0; run < 6 || (interrupted === 0 && run < 16); run++) {
      // Many small files, each batch twice (a redelivery), so compaction has work when the kill comes.
      const writer = await openParquetLake({ dir, place: placeOf, compactEveryMs: 0, writerId: `w${run}` });
      for (let k = 0; k < 6; k++, batches++) {
        await writer.append(crashBatch(batches));
        await writer.flush();
        await writer.append(crashBatch(batches));
        await writer.flush();
      }
      await writer.close();
      const killAfter = Math.floor(random() * 120);
      await new Promise<void>((resolve, reject) => {
        const c = child(['compact', dir], (line) => {
          if (line === 'ready') setTimeout(() => c.proc.kill('SIGKILL'), killAfter);
        });
        c.exited.then(resolve, reject);
      });
      if ((await leftovers(dir)).some((f) => f.includes('_compacting.json'))) interrupted++;
    }
    // The kills must have hit compactions at work, or the test proves nothing.
    expect(interrupted).toBeGreaterThan(0);
    const lake = await openParquetLake({ dir, place: placeOf, compactEveryMs: 0 });
    try {
      expect(await lake.count()).toBe(batches * PER_BATCH);
      await lake.compact({ all: true });
      expect(await onDisk(dir)).toEqual({ rows: batches * PER_BATCH, distinct: batches * PER_BATCH });
    } finally {
      await lake.close();
    }
    expect(await leftovers(dir)).toEqual([]);
  }, 120_000);
});
