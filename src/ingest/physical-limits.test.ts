/**
 * File imports refuse values beyond the channel unit's physical limit (PHYSICAL_LIMITS), as the live
 * ingest does: each is quarantined with its file, line and reason, and the good rows still land.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FACTORIES, type TestStore } from '../store/contract/factories.ts';
import { importFile } from './import-file.ts';
import type { Rejection } from './types.ts';

describe('physical limits on file imports', () => {
  let t: TestStore;
  let dir: string;
  beforeAll(async () => {
    t = await STORE_FACTORIES.find((f) => f.kind === 'duckdb')!.open();
    dir = await mkdtemp(join(tmpdir(), 'loadscope-ingest-limits-'));
  });
  afterAll(async () => {
    await t?.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  const quarantined = async (path: string | null): Promise<Rejection[]> =>
    (await readFile(path!, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Rejection);

  it('quarantines long-CSV values beyond the limit of their unit, naming file and line', async () => {
    const file = join(dir, 'long.csv');
    await writeFile(
      file,
      [
        'meter,channel,timestamp,value,unit',
        'main,mains,2024-01-01T00:00:00Z,1000000000,W', // exactly 1 GW: allowed
        'main,mains,2024-01-01T00:01:00Z,1000000001,W', // beyond 1e9 W
        'main,mains,2024-01-01T00:02:00Z,-2e9,W', // negative beyond the same magnitude
        'main,gas,2024-01-01T00:00:00Z,5,m3',
        'main,gas,2024-01-01T00:01:00Z,2e9,m3', // beyond 1e9 m3
        'main,mains,2024-01-01T00:03:00Z,250,W',
      ].join('\n') + '\n',
    );
    const s = await importFile(t.store, { path: file, facility: 'limits', quarantineDir: dir });
    expect(s.readings).toBe(3);
    expect(s.stored).toBe(3);
    expect(s.rejected).toBe(3);
    expect(s.byReason['value-out-of-range']?.count).toBe(3);
    const rows = await quarantined(s.quarantine);
    expect(rows.map((r) => [r.file, r.line, r.field])).toEqual([
      [file, 3, 'value'],
      [file, 4, 'value'],
      [file, 6, 'value'],
    ]);
    expect(rows[0]!.raw).toBe('main,mains,2024-01-01T00:01:00Z,1000000001,W');
    expect(rows[0]!.message).toContain('out of physical range: 1000000001 W is beyond ±1000000000 W');
    expect(rows[2]!.message).toContain("channel 'limits:main:gas'");
    const mains = await t.store.readings.read('limits:main:mains', 0, Date.UTC(2025, 0, 1));
    expect(mains.map((r) => r.value)).toEqual([1e9, 250]);
  });

  it('knows the limit of every channel, however many appear one after another', async () => {
    const file = join(dir, 'many.csv');
    const rows = ['meter,channel,timestamp,value,unit'];
    // 150 channels in W, then each channel again with a value beyond 1e9 W, then an m3 channel within its limit.
    for (let c = 0; c < 150; c++) rows.push(`m,c${c},2024-01-01T00:00:00Z,1,W`);
    for (let c = 0; c < 150; c++) rows.push(`m,c${c},2024-01-01T00:01:00Z,2e9,W`);
    rows.push('m,gas,2024-01-01T00:00:00Z,2e8,m3');
    await writeFile(file, rows.join('\n') + '\n');
    const s = await importFile(t.store, { path: file, facility: 'limits-many', quarantineDir: dir });
    expect(s.stored).toBe(151);
    expect(s.rejected).toBe(150);
    expect((await quarantined(s.quarantine)).map((r) => r.line)).toEqual(
      Array.from({ length: 150 }, (_, c) => 152 + c),
    );
  });

  it('applies the limit after unit conversion, in wide CSVs too', async () => {
    const file = join(dir, 'wide.csv');
    // kW columns are stored in W: 2e6 kW is 2e9 W, beyond the limit; 900,000 kW is within.
    await writeFile(file, 'timestamp,mains,fridge\n1704067200,900000,0.1\n1704067260,2000000,0.2\n');
    const s = await importFile(t.store, {
      path: file,
      format: 'csv-wide',
      facility: 'limits-wide',
      unit: 'kW',
      quarantineDir: dir,
    });
    expect(s.stored).toBe(3);
    expect(s.rejected).toBe(1);
    const [r] = await quarantined(s.quarantine);
    expect(r).toMatchObject({ file, line: 3, field: 'value', reason: 'value-out-of-range' });
    expect(r!.raw).toBe('1704067260,2000000,0.2');
  });
});
