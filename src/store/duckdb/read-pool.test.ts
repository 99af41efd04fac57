import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../errors.ts';
import { seedCatalog, seriesBatch } from '../contract/fixtures.ts';
import { isReadOnlySql } from './connection.ts';
import { createDuckdbStore } from './index.ts';
import { openReadPool } from './read-pool.ts';

/** A promise and the function that resolves it. */
function gate(): { open: () => void; opened: Promise<void> } {
  let open = () => undefined as void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('DuckDB read pool', () => {
  let instance: DuckDBInstance;
  beforeEach(async () => {
    instance = await DuckDBInstance.create(':memory:');
  });
  afterEach(() => instance.closeSync());

  it('leases each connection to one reader at a time and queues the others first come, first served', async () => {
    const pool = await openReadPool(instance, 2);
    const running = new Set<DuckDBConnection>();
    const started: number[] = [];
    const gates = Array.from({ length: 5 }, gate);
    const reads = gates.map((g, i) =>
      pool.use(async (conn) => {
        expect(running.has(conn)).toBe(false);
        running.add(conn);
        started.push(i);
        await g.opened;
        running.delete(conn);
        return (await conn.runAndReadAll('SELECT $1::INTEGER AS i', [i])).getRowObjectsJS()[0]?.['i'];
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1]);
    gates[1]!.open();
    await reads[1];
    expect(started).toEqual([0, 1, 2]);
    for (const g of gates) g.open();
    expect(await Promise.all(reads)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    await pool.close();
  });

  it('sees what other connections committed before the read started', async () => {
    const pool = await openReadPool(instance, 3);
    const writer = await instance.connect();
    try {
      await writer.run('CREATE TABLE t (i INTEGER)');
      for (let i = 1; i <= 20; i++) {
        await writer.run('INSERT INTO t VALUES ($1)', [i]);
        const counts = await Promise.all(
          [0, 1, 2].map(() =>
            pool.use(async (c) =>
              Number((await c.runAndReadAll('SELECT count(*) AS n FROM t')).getRowObjectsJS()[0]?.['n']),
            ),
          ),
        );
        expect(counts).toEqual([i, i, i]);
      }
    } finally {
      writer.closeSync();
      await pool.close();
    }
  });

  it('closes every connection once the reads in flight are done, and refuses reads after', async () => {
    const pool = await openReadPool(instance, 3);
    const seen = new Set<DuckDBConnection>();
    const g = gate();
    const reads = Array.from({ length: 4 }, () =>
      pool.use(async (conn) => {
        seen.add(conn);
        await g.opened;
        return (await conn.runAndReadAll('SELECT 1 AS one')).getRowObjectsJS();
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    const closed = pool.close();
    await expect(pool.use(async () => 1)).rejects.toBeInstanceOf(StoreError);
    g.open();
    await closed;
    expect(await Promise.all(reads)).toEqual(Array.from({ length: 4 }, () => [{ one: 1 }]));
    expect(seen.size).toBe(3);
    for (const conn of seen) await expect(conn.run('SELECT 1')).rejects.toThrow(/disconnected/);
    await pool.close();
  });

  it('needs at least one connection', async () => {
    await expect(openReadPool(instance, 0)).rejects.toBeInstanceOf(RangeError);
  });
});

describe('isReadOnlySql', () => {
  it('sends plain SELECTs to the read pool and anything that may write to the write connection', () => {
    expect(isReadOnlySql('SELECT * FROM users WHERE id = $1')).toBe(true);
    expect(isReadOnlySql('\n  select id, created_at, updated_at FROM jobs')).toBe(true);
    expect(isReadOnlySql('WITH x AS (SELECT 1) SELECT * FROM x')).toBe(true);
    expect(isReadOnlySql('INSERT INTO t VALUES (1)')).toBe(false);
    expect(isReadOnlySql('UPDATE t SET a = 1')).toBe(false);
    expect(isReadOnlySql('DELETE FROM t RETURNING id')).toBe(false);
    expect(isReadOnlySql("SELECT nextval('channel_key_seq')")).toBe(false);
    expect(isReadOnlySql('WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x')).toBe(false);
    expect(isReadOnlySql('COPY (SELECT 1) TO "x.csv"')).toBe(false);
  });
});

describe('DuckDB store with a read pool', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loadscope-pool-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('close() closes every pooled connection: another process can open the file right after', async () => {
    const path = join(dir, 'pool.duckdb');
    const store = await createDuckdbStore({ path, threads: 1, readConnections: 4 });
    await store.migrate();
    await seedCatalog(store);
    await store.readings.write(seriesBatch(['c-mains'], 0, 100, 1000));
    // Enough reads at once that every pooled connection runs some.
    const counts = await Promise.all(Array.from({ length: 16 }, () => store.readings.count('c-mains')));
    expect(counts.every((n) => n === 100)).toBe(true);
    await store.close();
    // An open connection keeps DuckDB's file lock even after the instance is closed, so this fails
    // ("Could not set lock on file") if close() leaves any pooled connection open.
    const child = `
      import { DuckDBInstance } from '@duckdb/node-api';
      const db = await DuckDBInstance.create(${JSON.stringify(path)});
      const c = await db.connect();
      const n = (await c.runAndReadAll('SELECT count(*)::INTEGER AS n FROM readings')).getRowObjectsJS()[0].n;
      c.closeSync();
      db.closeSync();
      console.log(n);`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', child], {
      cwd: process.cwd(),
    });
    expect(stdout.trim()).toBe('100');
  });
});
