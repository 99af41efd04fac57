/**
 * `loadscope tariffs import|list` and `loadscope costs` against a real DuckDB store: the example files
 * load and reprice, a bad file is refused naming it and the field with nothing stored, and costs print
 * as CSV with the figures of a hand-computed day.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelBatch, seedFacility, steps } from '../batch/test-support.ts';
import type { CliContext } from '../cli/context.ts';
import { contextDefaults } from '../cli/testing.ts';
import { loadConfig } from '../config.ts';
import { electricityMeter } from '../store/contract/fixtures.ts';
import { createDuckdbStore } from '../store/duckdb/index.ts';
import type { Store } from '../store/store.ts';
import { registerCostCommands } from './cli.ts';

const HOUR = 3_600_000;
const jun3 = Date.parse('2024-06-03T04:00:00Z'); // local midnight (EDT) of a Monday

describe('cost commands', () => {
  let dir: string;
  let store: Store;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ls-cost-cli-'));
    store = await createDuckdbStore({ path: join(dir, 'cli.duckdb'), threads: 1 });
    await store.migrate();
    await seedFacility(store, {
      facilityId: 'home',
      timeZone: 'America/New_York',
      channels: [{ id: 'home-mains', isMains: true, measurement: 'interval', unit: 'Wh', intervalMs: HOUR }],
    });
    await store.catalog.upsertMeters([
      { ...electricityMeter('home-m', 'home'), tariff: 'SC1 Residential TOU' },
    ]);
    const ts = steps(jun3, jun3 + 24 * HOUR, HOUR);
    await store.readings.write(
      channelBatch(
        'home-mains',
        ts,
        ts.map(() => 1000),
      ),
    );
    await store.rollups.recompute('all');
  });
  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const run = async (...args: string[]) => {
    const out = new PassThrough();
    let stdout = '';
    out.on('data', (d: Buffer) => (stdout += d.toString()));
    const ctx: CliContext = {
      out,
      err: new PassThrough(),
      config: () => loadConfig({}, { LOADSCOPE_DUCKDB: ':memory:' }),
      store: async () => store,
      ...contextDefaults(),
    };
    const program = new Command('loadscope').exitOverride();
    registerCostCommands(program, ctx);
    await program.parseAsync(['node', 'loadscope', ...args]);
    return stdout;
  };

  it('refuses a bad tariff file naming it and the field, storing nothing', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'tariffs:\n  - name: X\n    commodity: steam\n');
    await expect(
      run('tariffs', 'import', 'examples/tariffs/nyiso-intensity.csv', bad, '--org', 'org-t'),
    ).rejects.toThrow(/bad\.yaml, field 'tariffs\[0\]\.commodity'/);
    expect(await store.tariffs.listIntensity('org-t')).toEqual([]);
    await expect(run('tariffs', 'import', bad, '--org', 'nobody')).rejects.toThrow(
      /no organisation 'nobody'/,
    );
  });

  it('imports the examples, reprices, lists them, and prints costs', async () => {
    const out = await run(
      'tariffs',
      'import',
      'examples/tariffs/con-edison.yaml',
      'examples/tariffs/nyiso-intensity.csv',
      '--org',
      'org-t',
    );
    expect(out).toContain('org-t: 8 tariff version(s) of 7 tariff(s)');
    expect(out).toContain('costs: 1 meter(s) priced');
    const list = await run('tariffs', 'list', '--org', 'org-t', '--format', 'csv');
    expect(list).toContain(
      'SC9 General Large,electricity,2024-01-01,,USD,kWh,0.14/kWh,4,28/kW (weekdays 08-22)',
    );
    // Monday 3 June 2024 on SC1 Residential TOU: 8 off-peak kWh x 0.09 + 16 summer-peak kWh x 0.41 + 0.68 = 7.96.
    const csv = await run('costs', '--by', 'meter', '--period', 'day', '--format', 'json');
    const [day] = JSON.parse(csv) as { label: string; cost: number; co2: number }[];
    expect(day!.label).toBe('2024-06-03');
    expect(day!.cost).toBeCloseTo(8 * 0.09 + 16 * 0.41 + 0.68, 9);
  });
});
