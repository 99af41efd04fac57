/**
 * Contract of the lake port, run against every adapter: whole files only, repeats removed at
 * compaction with the store's rule (first written wins), every acknowledged reading read exactly
 * once, and a partition layout that DuckDB's read_parquet reads with hive_partitioning as it is.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { partitionOf } from '../realtime/log/jetstream/membership.ts';
import { openParquetLake, type ParquetLakeOptions } from './parquet/index.ts';
import { spoolName } from './parquet/layout.ts';
import { encodeRecord } from './parquet/spool.ts';
import type { Lake } from './port.ts';
import { CHANNELS, PLACES, fleetBatch, placeOf } from './testing/fixtures.ts';

/** Opens a lake of one adapter on `dir`; several opens of one folder are separate writers. */
interface LakeFactory {
  name: string;
  open(dir: string, opts?: Partial<ParquetLakeOptions>): Promise<Lake>;
}

const ADAPTERS: LakeFactory[] = [
  {
    name: 'parquet folder',
    open: (dir, opts) => openParquetLake({ dir, place: placeOf, compactEveryMs: 0, ...opts }),
  },
];

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 2, 30, 20, 0, 0);

/** Runs SQL on a DuckDB of its own, as a user or a Spark job reading the folder would. */
async function rawRows(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJS();
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

const rawGlob = (dir: string) =>
  `read_parquet('${join(dir, 'org=*/day=*/shard=*/*.parquet')}', hive_partitioning = true)`;

for (const factory of ADAPTERS)
  describe(`lake contract: ${factory.name}`, () => {
    let dir: string;
    const open: Lake[] = [];
    const lakeOn = async (opts?: Partial<ParquetLakeOptions>) => {
      const l = await factory.open(dir, opts);
      open.push(l);
      return l;
    };
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'loadscope-lake-'));
    });
    afterEach(async () => {
      for (const l of open.splice(0)) await l.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    });

    it('reads back every appended reading once, ordered by channel and time', async () => {
      const lake = await lakeOn({ flushRows: 5000 });
      // Three days of 1-minute readings: spans UTC days, and several spools.
      const batch = fleetBatch(CHANNELS, T0, 3 * 1440, 60_000);
      await lake.append(batch);
      await lake.flush();
      expect(await lake.count()).toBe(batch.length);
      const back = await lake.read({ channelIds: ['a-m1-mains'], from: T0 + DAY, to: T0 + 2 * DAY });
      expect(back.length).toBe(1440);
      expect(back.channelIds).toEqual(['a-m1-mains']);
      expect(back.ts[0]).toBe(T0 + DAY);
      expect(back.ts[1439]).toBe(T0 + 2 * DAY - 60_000);
      expect(back.value[0]).toBe(1440);
      expect(back.quality[1]).toBe(1441 % 4);
      expect(Array.from(back.ts).every((t, i) => i === 0 || t > (back.ts[i - 1] as number))).toBe(true);
      expect(await lake.count({ orgId: 'org-b' })).toBe(2 * 3 * 1440);
      expect(await lake.count({ channelIds: [] })).toBe(0);
    });

    it('lays partitions out as org=/day=/shard= folders that read_parquet reads with hive_partitioning', async () => {
      const lake = await lakeOn();
      await lake.append(fleetBatch(CHANNELS, T0, 300, 60_000));
      await lake.flush();
      const rows = await rawRows(
        `SELECT org, day::VARCHAR AS day, shard, channel_id, count(*)::INTEGER AS n,
                min(ts)::DOUBLE AS first FROM ${rawGlob(dir)} GROUP BY ALL ORDER BY channel_id, day`,
      );
      // 300 minutes from 20:00 UTC: 240 on the first day, 60 on the next.
      expect(rows).toHaveLength(2 * CHANNELS.length);
      for (const r of rows) {
        const place = PLACES.get(String(r['channel_id']));
        expect(r['org']).toBe(place?.orgId);
        expect(Number(r['shard'])).toBe(partitionOf(place?.meterId ?? '', 16));
        expect(r['day']).toBe(new Date(Number(r['first'])).toISOString().slice(0, 10));
        expect(r['n']).toBe(r['day'] === '2025-03-30' ? 240 : 60);
      }
      const orgs = (await readdir(dir)).filter((f) => f.startsWith('org=')).sort();
      expect(orgs).toEqual(['org=org-a', 'org=org-b']);
    });

    it('shows readers whole files only: every visible file reads completely while a writer publishes', async () => {
      const lake = await lakeOn({ flushRows: 2000 });
      let writing = true;
      const writer = (async () => {
        for (let k = 0; k < 40; k++) {
          await lake.append(fleetBatch(CHANNELS, T0 + k * 1000 * 60_000, 1000, 60_000));
          if (k % 4 === 3) await lake.flush();
        }
        await lake.flush();
        writing = false;
      })();
      let checks = 0;
      const db = await DuckDBInstance.create(':memory:');
      const conn = await db.connect();
      try {
        while (writing || checks === 0) {
          // Folders come and go under the listing (scratch folders of publishing): list again then.
          const files = await readdir(dir, { recursive: true }).then(
            (all) => all.filter((f) => f.endsWith('.parquet')),
            () => [],
          );
          for (const f of files.filter((x) => !x.startsWith('_')))
            // A file is read whole or, if a compaction removed it meanwhile, not at all.
            await conn.run(`SELECT count(*) FROM read_parquet('${join(dir, f)}')`).catch((err: unknown) => {
              if (!/No such file|No files found/i.test(String(err))) throw err;
            });
          checks++;
        }
        await writer;
      } finally {
        await writer.catch(() => undefined);
        conn.closeSync();
        db.closeSync();
      }
      expect(checks).toBeGreaterThan(0);
      expect(await lake.count()).toBe(40 * 1000 * CHANNELS.length);
    });

    it('keeps the first written of repeated readings, and compaction removes the repeats from disk', async () => {
      const lake = await lakeOn({ minFiles: 2 });
      const first = fleetBatch(CHANNELS, T0, 100, 60_000, 0);
      const again = fleetBatch(CHANNELS, T0 + 50 * 60_000, 100, 60_000, 1000);
      await lake.append(first);
      await lake.flush();
      await lake.append(again);
      // Repeats inside one spool too: the log delivered the same batch twice.
      await lake.append(again);
      await lake.flush();
      const union = 150 * CHANNELS.length;
      const onDisk = async () =>
        Number((await rawRows(`SELECT count(*)::INTEGER AS n FROM ${rawGlob(dir)}`))[0]?.['n']);
      expect(await onDisk()).toBe(200 * CHANNELS.length);
      expect(await lake.count()).toBe(union);
      const r = await lake.compact({ all: true });
      expect(r.duplicatesRemoved).toBe(50 * CHANNELS.length);
      expect(r.filesOut).toBe(r.partitions);
      expect(await onDisk()).toBe(union);
      const back = await lake.read({ channelIds: ['b-m2-mains'] });
      expect(back.length).toBe(150);
      expect(back.value[50]).toBe(50); // from `first`, not `again` (which had 1000)
      expect(back.value[100]).toBe(1050);
      const stray = (await readdir(dir, { recursive: true })).filter(
        (f) => /(^|\/)(_compacting|\.)/.test(f) && !f.startsWith('_spool'),
      );
      expect(stray).toEqual([]);
    });

    it('two writers on one folder, compacting side by side, leave each reading once', async () => {
      const a = await lakeOn({ writerId: 'node-a', flushRows: 3000, minFiles: 2 });
      const b = await lakeOn({ writerId: 'node-b', flushRows: 3000, minFiles: 2 });
      // The same readings through both writers (a partition moved between workers mid-stream).
      await Promise.all(
        [a, b].map(async (l, w) => {
          for (let k = 0; k < 10; k++)
            await l.append(fleetBatch(CHANNELS, T0 + k * 600 * 60_000, 600, 60_000, w));
          await l.flush();
        }),
      );
      await Promise.all([a.compact({ all: true }), b.compact({ all: true })]);
      await Promise.all([a.compact({ all: true }), b.compact({ all: true })]);
      expect(await a.count()).toBe(6000 * CHANNELS.length);
      const disk = await rawRows(`SELECT count(*)::INTEGER AS n FROM ${rawGlob(dir)}`);
      expect(disk[0]?.['n']).toBe(6000 * CHANNELS.length);
    });

    it('refuses a reading of an unknown channel, naming it, and stores nothing of its batch', async () => {
      const lake = await lakeOn();
      const bad = fleetBatch(['a-m1-mains', 'nobody-mains'], T0, 10, 60_000);
      await expect(lake.append(bad)).rejects.toThrow(InputError);
      await expect(lake.append(bad)).rejects.toThrow(/'nobody-mains'/);
      await lake.flush();
      expect(await lake.count()).toBe(0);
    });

    it('a spool torn by a crash mid-append is cut at its last whole batch and published by the next writer', async () => {
      // What a writer killed in the middle of its third append leaves: two whole records and a torn one.
      const spoolDir = join(dir, '_spool', 'crashy');
      await mkdir(spoolDir, { recursive: true });
      const places = CHANNELS.map(
        (id) => [id, PLACES.get(id)?.orgId ?? '', partitionOf(PLACES.get(id)?.meterId ?? '', 16)] as const,
      );
      const rec = (k: number) => encodeRecord(fleetBatch(CHANNELS, T0 + k * 6_000_000, 100, 60_000), places);
      const torn = rec(2);
      await writeFile(
        join(spoolDir, `${spoolName(T0, 'crashy', 0)}.spool`),
        Buffer.concat([rec(0), rec(1), torn.subarray(0, torn.length - 9)]),
      );
      const next = await lakeOn({ writerId: 'crashy' });
      await next.flush();
      expect(await next.count()).toBe(200 * CHANNELS.length);
      expect(await readdir(spoolDir)).toEqual([]);
    });
  });
