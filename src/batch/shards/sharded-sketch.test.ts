/**
 * A sharded full run leaves the lake's threshold sketches in the store (the reduce replaces them with
 * the tasks' partial files), so the next incremental run merges a new day into them: after retention
 * has moved the first day's raw readings into the lake, its thresholds still cover the whole history
 * and equal the reference sketch over every reading.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalExecutor } from '../../jobs/local/local-executor.ts';
import { openParquetLake } from '../../lake/parquet/index.ts';
import type { Lake } from '../../lake/port.ts';
import { STORE_FACTORIES, type TestStore } from '../../store/contract/factories.ts';
import type { Channel } from '../../domain/types.ts';
import { runBatch } from '../run-batch.ts';
import { referenceSketchQuantile } from '../test-support.ts';
import { runShardedBatch } from './run-sharded.ts';
import { channelDay, seedShardFleet, type ShardFleetSize } from './testing.ts';

const DAY = 86_400_000;
const SIZE: ShardFleetSize = {
  facilities: 3,
  metersPerFacility: 2,
  start: Date.parse('2024-11-01T00:00:00Z'),
  days: 3,
  stepMs: 60_000,
};

describe.each(STORE_FACTORIES)('sharded batch sketches on $kind', (factory) => {
  let t: TestStore;
  let dir: string;
  let lake: Lake;
  let channels: Channel[];
  /** Every reading written, by channel. */
  const values = new Map<string, { ts: number[]; v: number[] }>();

  const writeDay = async (day: number, toStore: boolean) => {
    for (const [c, ch] of channels.entries()) {
      const b = channelDay(ch, c, day, SIZE);
      if (toStore) await t.store.readings.write(b);
      await lake.append(b);
      const all = values.get(ch.id) ?? { ts: [], v: [] };
      all.ts.push(...b.ts);
      all.v.push(...b.value);
      values.set(ch.id, all);
    }
    await lake.flush();
  };

  /** The p97 thresholds, each checked against the reference sketch over every reading of its channel. */
  const expectReference = async () => {
    const thresholds = await t.store.rollups.getThresholds('p97');
    const sketched = channels.filter((c) => c.measurement !== 'register').map((c) => c.id);
    expect(thresholds.map((x) => x.channelId).sort()).toEqual(sketched.sort());
    for (const x of thresholds) {
      const { ts, v } = values.get(x.channelId)!;
      expect(x.from, x.channelId).toBe(Math.min(...ts));
      expect(x.to, x.channelId).toBe(Math.max(...ts));
      const reference = referenceSketchQuantile(v, 0.97)!;
      expect(Math.abs(x.value - reference) / reference, x.channelId).toBeLessThan(1e-12);
    }
  };

  beforeAll(async () => {
    t = await factory.open();
    dir = await mkdtemp(join(tmpdir(), 'loadscope-shard-sketch-'));
    channels = await seedShardFleet(t.store, SIZE);
    const place = new Map(channels.map((c) => [c.id, { orgId: 'org-s', meterId: c.meterId }]));
    lake = await openParquetLake({
      dir: join(dir, 'lake'),
      place: (id) => place.get(id),
      shards: 4,
      compactEveryMs: 0,
    });
    for (let day = 0; day < SIZE.days; day++) await writeDay(day, true);
  }, 120_000);
  afterAll(async () => {
    await lake?.close();
    await t?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('keeps the tasks’ sketches: an incremental run after retention and a new day covers every day', async () => {
    const s = await runShardedBatch(
      {
        store: t.store,
        lakeDir: join(dir, 'lake'),
        stagingDir: join(dir, 'jobs'),
        executor: createLocalExecutor({ workers: 2 }),
        now: Date.now,
      },
      { shards: 2 },
    );
    expect(s.tasks).toBe(2);
    await expectReference();

    // Retention moves day 0's raw readings into the lake (they are already there).
    const [from, to] = [SIZE.start, SIZE.start + DAY];
    const slice = await t.store.retention.rawSlice('org-s', from, to);
    expect(slice.length).toBeGreaterThan(0);
    expect(await t.store.retention.dropRaw('org-s', from, to, slice.length)).toBe(true);
    await t.store.retention.markLakeBefore('org-s', to);

    await writeDay(SIZE.days, true);
    const inc = await runBatch({ rollups: t.store.rollups, changes: t.store.readings, now: Date.now });
    expect(inc.mode).toBe('incremental');
    expect(inc.thresholds).toBeGreaterThan(0);
    await expectReference();
  }, 120_000);
});
