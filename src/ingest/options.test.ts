/** Column mapping, progress, cancellation and catalog options of importFile (DuckDB). */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FACTORIES, type TestStore } from '../store/contract/factories.ts';
import { importFile } from './import-file.ts';
import type { ImportProgress } from './types.ts';

const FX = resolve(import.meta.dirname, '../../test/fixtures/ingest');

describe('import options', () => {
  let t: TestStore;
  let dir: string;
  beforeAll(async () => {
    t = await STORE_FACTORIES.find((f) => f.kind === 'duckdb')!.open();
    dir = await mkdtemp(join(tmpdir(), 'loadscope-ingest-opt-'));
  });
  afterAll(async () => {
    await t?.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('maps long CSV columns and converts kW to W; catalog options land on the facility', async () => {
    const s = await importFile(t.store, {
      path: join(FX, 'long-mapped.csv'),
      meterCol: 'site',
      channelCol: 'sensor_name',
      tsCol: 'time_utc',
      valueCol: 'kw',
      unit: 'kW',
      tsFormat: 'unix-s',
      org: 'Acme',
      facility: 'plant-7',
      facilityKind: 'industrial',
      zip: '94110',
      tz: 'America/Los_Angeles',
      quarantineDir: dir,
    });
    expect(s).toMatchObject({ format: 'csv-long', rows: 3, stored: 3, rejected: 0 });
    expect(s.channels).toEqual(['plant-7:a:heat-pump', 'plant-7:b:mains-total']);
    expect((await t.store.readings.read('plant-7:a:heat-pump', 0, 2e12)).map((r) => [r.ts, r.value])).toEqual(
      [
        [1704067200000, 1500],
        [1704067260000, 2000],
      ],
    );
    expect(await t.store.catalog.getChannel('plant-7:b:mains-total')).toMatchObject({
      unit: 'W',
      measurement: 'power',
    });
    expect(await t.store.catalog.getFacility('plant-7')).toMatchObject({
      orgId: 'acme',
      kind: 'industrial',
      zip: '94110',
      timeZone: 'America/Los_Angeles',
    });
    expect(await t.store.catalog.getOrganisation('acme')).toBeDefined();
  });

  it('recognises gzip by its magic bytes, not by the name', async () => {
    const csv = 'meter,channel,timestamp,value\nm,c,2024-01-01T00:00:00Z,5\nm,c,2024-01-01T00:01:00Z,6\n';
    await writeFile(join(dir, 'really-gzip.csv'), gzipSync(csv));
    await writeFile(join(dir, 'not-gzip.csv.gz'), csv);
    const a = await importFile(t.store, {
      path: join(dir, 'really-gzip.csv'),
      unit: 'W',
      facility: 'gz-a',
      quarantineDir: dir,
    });
    const b = await importFile(t.store, {
      path: join(dir, 'not-gzip.csv.gz'),
      unit: 'W',
      facility: 'gz-b',
      quarantineDir: dir,
    });
    expect([a.stored, b.stored]).toEqual([2, 2]);
  });

  it('reports progress up to the file size and stops on abort without half-written batches', async () => {
    const big = join(dir, 'big.csv');
    const lines = ['meter,channel,timestamp,value'];
    for (let i = 0; i < 300_000; i++)
      lines.push(`m,c${i % 3},${1704067200000 + Math.floor(i / 3) * 1000},${i % 97}`);
    await writeFile(big, lines.join('\n') + '\n');
    const seen: ImportProgress[] = [];
    const s = await importFile(
      t.store,
      { path: big, unit: 'W', facility: 'prog', quarantineDir: dir },
      { onProgress: (p) => seen.push(p) },
    );
    expect(s.stored).toBe(300_000);
    expect(seen.at(-1)).toMatchObject({
      bytesRead: s.bytes,
      bytesTotal: s.bytes,
      rows: 300_000,
      readings: 300_000,
    });

    const abort = new AbortController();
    const run = importFile(
      t.store,
      { path: big, unit: 'W', facility: 'aborted', batchSize: 10_000, quarantineDir: dir },
      {
        signal: abort.signal,
        onProgress: (p) => {
          if (p.readings > 0) abort.abort(new Error('stop here'));
        },
      },
    );
    await expect(run).rejects.toThrow('stop here');
    // Whatever landed is whole batches.
    let n = 0;
    for (const c of ['aborted:m:c0', 'aborted:m:c1', 'aborted:m:c2']) n += await t.store.readings.count(c);
    expect(n % 10_000).toBe(0);
    expect(n).toBeLessThan(300_000);
  });
});
