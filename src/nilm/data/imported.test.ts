/**
 * A data set imported into the store must be the same NILM house as the data set read from its files:
 * the importer's appliance labels (`washing machine`) meet the experiments' keys (`washing_machine`).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../ingest/import-file.ts';
import { createDuckdbStore } from '../../store/duckdb/index.ts';
import type { Store } from '../../store/store.ts';
import { loadFacility } from './store.ts';

describe('a REFIT file imported into the store, loaded as a NILM house (DuckDB)', () => {
  let store: Store;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nilm-imported-'));
    store = await createDuckdbStore({ path: ':memory:', threads: 1 });
    await store.migrate();
    const rows = [
      '2014-01-01 00:00:00,2300,0,0,2100,0',
      '2014-01-01 00:00:30,2310,0,0,2110,0',
      '2014-01-01 00:01:00,3200,3000,0,0,0',
      '2014-01-01 00:01:30,150,0,0,0,0',
    ];
    const path = join(dir, 'REFIT_House7_2014-01.csv');
    await writeFile(
      path,
      ['Time,Aggregate,Kettle,Dishwasher,WashingMachine,Microwave', ...rows].join('\n') + '\n',
    );
    await importFile(store, { path, quarantineDir: join(dir, 'q') });
  });
  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keys the sub-meters as experiments name them', async () => {
    const h = await loadFacility(
      store,
      'refit-house7',
      Date.UTC(2014, 0, 1),
      Date.UTC(2014, 0, 1, 0, 2),
      30_000,
    );
    expect(Object.keys(h.appliances).sort()).toEqual([
      'dishwasher',
      'kettle',
      'microwave',
      'washing_machine',
    ]);
    expect(Array.from(h.appliances['washing_machine']!)).toEqual([2100, 2110, 0, 0]);
    expect(Array.from(h.mains)).toEqual([2300, 2310, 3200, 150]);
  });
});
