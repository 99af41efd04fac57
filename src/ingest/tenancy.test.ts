/** Imports never write into or move another organisation's facility, meters or channels (DuckDB). */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../errors.ts';
import { STORE_FACTORIES, type TestStore } from '../store/contract/factories.ts';
import { importFile } from './import-file.ts';

const CSV =
  'meter,channel,timestamp,value,unit\nmain,mains,2024-01-01T00:00:00Z,100,W\nmain,mains,2024-01-01T00:01:00Z,110,W\n';

describe('import tenancy', () => {
  let t: TestStore;
  let dir: string;
  let file: string;
  beforeAll(async () => {
    t = await STORE_FACTORIES.find((f) => f.kind === 'duckdb')!.open();
    dir = await mkdtemp(join(tmpdir(), 'loadscope-ingest-tenancy-'));
    file = join(dir, 'site.csv');
    await writeFile(file, CSV);
    await importFile(t.store, {
      path: file,
      format: 'csv-long',
      org: 'alpha',
      facility: 'site-1',
      quarantineDir: dir,
    });
  });
  afterAll(async () => {
    await t?.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses to import into another organisation's facility and changes nothing of it", async () => {
    const before = JSON.stringify([
      await t.store.catalog.getFacility('site-1'),
      await t.store.catalog.listChannels({ facilityId: 'site-1' }),
      await t.store.readings.count(),
    ]);
    const attempt = importFile(t.store, {
      path: file,
      format: 'csv-long',
      org: 'beta',
      facility: 'site-1',
      zip: '99999',
      quarantineDir: dir,
    });
    await expect(attempt).rejects.toThrow(ConflictError);
    await expect(attempt).rejects.toThrow(/facility 'site-1' belongs to another organisation/);
    expect(
      JSON.stringify([
        await t.store.catalog.getFacility('site-1'),
        await t.store.catalog.listChannels({ facilityId: 'site-1' }),
        await t.store.readings.count(),
      ]),
    ).toBe(before);
  });

  it('refuses a meter id that already belongs to another facility', async () => {
    // A meter whose id an import of facility `site-2` would derive (`site-2:main`), registered under site-1.
    await t.store.catalog.upsertMeters([
      {
        id: 'site-2:main',
        facilityId: 'site-1',
        serviceType: 'electricity',
        utilityMeterNumber: null,
        serviceId: null,
        tariff: null,
        utility: null,
      },
    ]);
    await expect(
      importFile(t.store, {
        path: file,
        format: 'csv-long',
        org: 'beta',
        facility: 'site-2',
        quarantineDir: dir,
      }),
    ).rejects.toThrow(/meter 'site-2:main' already belongs to facility 'site-1'/);
    expect((await t.store.catalog.getMeter('site-2:main'))?.facilityId).toBe('site-1');
  });

  it('re-imports into its own facility as before', async () => {
    const s = await importFile(t.store, {
      path: file,
      format: 'csv-long',
      org: 'alpha',
      facility: 'site-1',
      quarantineDir: dir,
    });
    expect(s.duplicates).toBe(2);
  });
});
