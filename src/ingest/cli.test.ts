/**
 * `loadscope import` as a user runs it: a child process on a DuckDB file. Includes the crash test: an
 * import SIGKILLed mid-way and re-run leaves the same store as one clean run (count and checksums).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const FX = join(ROOT, 'test/fixtures/ingest');

describe('loadscope import (CLI)', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loadscope-ingest-cli-'));
    env = {
      ...process.env,
      LOADSCOPE_STORE: 'duckdb',
      LOADSCOPE_DATA_DIR_STATE: dir,
      LOADSCOPE_DUCKDB: join(dir, 'cli.duckdb'),
    };
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  const start = (args: string[]): ChildProcess =>
    spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/main.ts'), 'import', ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const run = (args: string[]): Promise<{ code: number | null; out: string; err: string }> =>
    new Promise((done) => {
      const p = start(args);
      let out = '';
      let err = '';
      p.stdout!.on('data', (d) => (out += d));
      p.stderr!.on('data', (d) => (err += d));
      p.on('close', (code) => done({ code, out, err }));
    });

  it('imports, prints a JSON summary, and --strict fails on rejections', async () => {
    const r = await run(['--json', join(FX, 'long-bad.csv'), join(FX, 'utilityapi.csv')]);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { totals: Record<string, number>; files: { quarantine: string }[] };
    expect(j.totals).toEqual({ rows: 18, readings: 8, stored: 7, duplicates: 1, rejected: 10 });
    expect(j.files[0]!.quarantine.startsWith(join(dir, 'quarantine'))).toBe(true);
    const strict = await run(['--strict', join(FX, 'long-bad.csv')]);
    expect(strict.code).toBe(65);
    expect(strict.out).toMatch(/0 stored, 4 duplicates, 9 rejected/);
    expect(strict.out).toMatch(/long-bad\.csv:4 \[value\] expected a finite number, found 'abc'/);
  });

  it('bad usage and missing files get a clear message and exit code', async () => {
    const missing = await run([join(FX, 'nope.csv')]);
    expect(missing.code).toBe(65);
    expect(missing.err).toMatch(/nope\.csv: cannot open/);
    const noUnit = await run(['--format', 'csv-wide', join(FX, 'wide-dst.csv')]);
    expect(noUnit.code).toBe(78);
    expect(noUnit.err).toMatch(/--unit: wide CSV files do not say their unit/);
    const notEspi = await run([join(FX, 'not-espi.xml')]);
    expect(notEspi.code).toBe(65);
    expect(notEspi.err).toMatch(/not a Green Button ESPI feed/);
  });

  it('an import killed mid-way and re-run equals one clean run', async () => {
    const n = 2_000_000;
    const csv = join(dir, 'big.csv');
    const gen = await DuckDBInstance.create(':memory:');
    const g = await gen.connect();
    await g.run(`COPY (SELECT 'm' || (i % 20) AS meter, 'c' || (i % 20) AS channel, 1704067200000 + (i // 20) * 1000 AS timestamp,
      round(((i * 7919) % 100000) / 10, 1) AS value FROM range(${n}) t(i) ORDER BY i) TO '${csv}' (HEADER)`);
    const expected = (
      await (
        await g.run(`SELECT count(*)::DOUBLE, sum(value), sum(timestamp)::DOUBLE FROM read_csv('${csv}')`)
      ).getRows()
    )[0];
    g.closeSync();
    gen.closeSync();

    const db = join(dir, 'crash.duckdb');
    env = { ...env, LOADSCOPE_DUCKDB: db };
    // Warm up: schema and catalog exist, so growth of the files below means committed readings.
    expect((await run(['--facility', 'big', '--unit', 'W', '--limit', '10', csv])).code).toBe(0);
    const size = (): number =>
      [db, `${db}.wal`].reduce((a, f) => a + (existsSync(f) ? statSync(f).size : 0), 0);
    const base = size();
    const child = start(['--facility', 'big', '--unit', 'W', csv]);
    const killed = await new Promise<NodeJS.Signals | null>((done) => {
      const timer = setInterval(() => {
        if (size() - base > 4_000_000) {
          clearInterval(timer);
          child.kill('SIGKILL');
        }
      }, 20);
      child.on('exit', (_code, signal) => {
        clearInterval(timer);
        done(signal);
      });
    });
    expect(killed).toBe('SIGKILL');

    const counts = async (): Promise<unknown[]> => {
      const inst = await DuckDBInstance.create(db);
      const c = await inst.connect();
      const row = (
        await (await c.run('SELECT count(*)::DOUBLE, sum(value), sum(ts)::DOUBLE FROM readings')).getRows()
      )[0]!;
      c.closeSync();
      inst.closeSync();
      return row;
    };
    const partial = (await counts())[0] as number;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(n);

    const again = await run(['--facility', 'big', '--unit', 'W', '--json', csv]);
    expect(again.code, again.err).toBe(0);
    const s = JSON.parse(again.out) as { totals: { stored: number; duplicates: number; rejected: number } };
    expect(s.totals.stored + s.totals.duplicates).toBe(n);
    expect(s.totals.rejected).toBe(0);
    const [count, sumValue, sumTs] = (await counts()) as number[];
    expect(count).toBe(expected![0]);
    expect(sumValue).toBeCloseTo(expected![1] as number, 3);
    expect(sumTs).toBe(expected![2]);
  });
});
