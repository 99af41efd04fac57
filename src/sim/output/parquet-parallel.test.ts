import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { createFleet } from '../fleet.ts';
import { generateReadings } from '../readings.ts';
import { writeParquetParallel } from './parquet-parallel.ts';

describe('writeParquetParallel', () => {
  it('writes every reading exactly once across worker shards', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loadscope-sim-par-'));
    try {
      const options = { seed: 12, meters: 25, applianceShare: 0.4, sampleMs: 300_000 };
      const from = Date.UTC(2024, 8, 1);
      const to = from + 86_400_000;
      const n = await writeParquetParallel(options, { from, to, dir, workers: 2 });
      let expected = 0;
      let sum = 0;
      for await (const b of generateReadings(createFleet(options), { from, to })) {
        expected += b.length;
        for (let i = 0; i < b.length; i++) sum += b.value[i] as number;
      }
      expect(n).toBe(expected);
      expect((await readdir(dir)).sort()).toEqual([
        'channels.parquet',
        'readings-w0-00000.parquet',
        'readings-w1-00000.parquet',
      ]);
      const db = await DuckDBInstance.create(':memory:');
      const conn = await db.connect();
      const row = (
        await conn.runAndReadAll(
          `SELECT count(*)::INTEGER, sum(value), count(DISTINCT (channel_key, ts))::INTEGER FROM '${dir}/readings-w*.parquet'`,
        )
      ).getRows()[0] as [number, number, number];
      conn.closeSync();
      db.closeSync();
      expect(row[0]).toBe(expected);
      expect(row[2]).toBe(expected);
      expect(row[1]).toBeCloseTo(sum, 3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
