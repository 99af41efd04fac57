import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { createFleet } from '../fleet.ts';
import { generateReadings } from '../readings.ts';
import { createParquetSink } from './parquet.ts';

describe('createParquetSink', () => {
  it('splits into part files while the previous part is being copied, losing and repeating nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loadscope-sim-pq-'));
    try {
      const fleet = createFleet({ seed: 2, meters: 10, applianceShare: 0.5, sampleMs: 300_000 });
      const from = Date.UTC(2024, 9, 1);
      const sink = await createParquetSink({ dir, channels: fleet.channels, rowsPerFile: 3000 });
      let expected = 0;
      let sum = 0;
      for await (const b of generateReadings(fleet, { from, to: from + 86_400_000, batchSize: 1234 })) {
        await sink.write(b);
        expected += b.length;
        for (let i = 0; i < b.length; i++) sum += b.value[i] as number;
      }
      expect(await sink.close()).toBe(expected);
      const parts = (await readdir(dir)).filter((f) => f.startsWith('readings-'));
      // A part closes at the first chunk boundary at or after 3,000 rows (chunks hold at most 2,048).
      expect(parts.length).toBeGreaterThanOrEqual(Math.floor(expected / 5048));
      expect(parts.length).toBeLessThanOrEqual(Math.ceil(expected / 3000));
      expect(parts.length).toBeGreaterThan(2);
      const db = await DuckDBInstance.create(':memory:');
      const conn = await db.connect();
      const row = (
        await conn.runAndReadAll(
          `SELECT count(*)::INTEGER, sum(value), count(DISTINCT (channel_key, ts))::INTEGER, min(channel_key)::INTEGER, max(channel_key)::INTEGER
         FROM '${dir}/readings-*.parquet'`,
        )
      ).getRows()[0] as number[];
      conn.closeSync();
      db.closeSync();
      expect(row[0]).toBe(expected);
      expect(row[1]).toBeCloseTo(sum, 3);
      expect(row[2]).toBe(expected);
      expect(row[3]).toBe(1);
      expect(row[4]).toBe(fleet.channels.length);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
