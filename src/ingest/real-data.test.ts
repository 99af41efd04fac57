/**
 * Importers on the real public files in the shared data folder (LOADSCOPE_DATA_DIR, default
 * ../shared/data). Skipped with a message when the folder is absent.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FACTORIES, type TestStore } from '../store/contract/factories.ts';
import { importFile } from './import-file.ts';
import type { ImportOptions } from './types.ts';

const DATA = resolve(
  process.env['LOADSCOPE_DATA_DIR'] ?? resolve(import.meta.dirname, '../../../shared/data'),
);
const present = existsSync(join(DATA, 'ampds'));
if (!present)
  console.warn(
    `ingest real-data tests skipped: shared data folder ${DATA} not found (set LOADSCOPE_DATA_DIR)`,
  );

const duckdb = STORE_FACTORIES.find((f) => f.kind === 'duckdb')!;

describe.skipIf(!present)('importers on the real data files (DuckDB)', () => {
  let t: TestStore;
  let qdir: string;
  const run = (path: string, o: Partial<ImportOptions> = {}) =>
    importFile(t.store, { path: join(DATA, path), quarantineDir: qdir, ...o });
  const sum = async (channelId: string): Promise<{ n: number; total: number }> => {
    const c = await t.store.readings.readColumns(channelId, 0, 4e12);
    let total = 0;
    for (const v of c.value) total += v;
    return { n: c.value.length, total };
  };
  beforeAll(async () => {
    t = await duckdb.open();
    qdir = await mkdtemp(join(tmpdir(), 'loadscope-ingest-q-'));
  });
  afterAll(async () => {
    await t?.destroy();
    await rm(qdir, { recursive: true, force: true });
  });

  it('AMPds: 17,519 rows x 22 circuits, M_E totals 19,475.939 kWh', async () => {
    const s = await run('ampds/AMPdsR1_1hr_Wh.csv');
    expect(s).toMatchObject({
      format: 'ampds',
      rows: 17_519,
      readings: 385_418,
      stored: 385_418,
      rejected: 0,
    });
    const me = await sum('ampds:main:m_e');
    expect(me.n).toBe(17_519);
    expect(me.total).toBe(19_475_939);
    expect(await t.store.catalog.getChannel('ampds:main:m_e')).toMatchObject({
      isMains: true,
      unit: 'Wh',
      measurement: 'interval',
      intervalMs: 3_600_000,
    });
    expect(await t.store.catalog.getChannel('ampds:main:fge')).toMatchObject({
      isMains: false,
      appliance: 'fridge',
    });
    expect((await t.store.catalog.getFacility('ampds'))?.timeZone).toBe('America/Vancouver');
    const first = await t.store.readings.read('ampds:main:m_e', 0, 1333263601000);
    expect(first).toEqual([{ channelId: 'ampds:main:m_e', ts: 1333263600000, value: 1608, quality: 0 }]);
  });

  it('REFIT house 2, April 2014: 30 s spacing, 5 channels, zero-filled rows skipped', async () => {
    const s = await run('refit/REFIT_House2_2014-04.csv.gz');
    expect(s).toMatchObject({
      format: 'refit',
      rows: 86_400,
      readings: (86_400 - 734) * 5,
      stored: (86_400 - 734) * 5,
      rejected: 0,
      skipped: { 'zero-filled': expect.objectContaining({ count: 734 }) },
    });
    const c = await t.store.readings.readColumns('refit-house2:main:mains', 0, 4e12);
    expect(c.ts.length).toBe(86_400 - 734);
    let offGrid = 0;
    for (let i = 1; i < c.ts.length; i++) if ((c.ts[i]! - c.ts[i - 1]!) % 30_000 !== 0) offGrid++;
    expect(offGrid).toBe(0);
    // 2014-04-01 00:00 BST is 2014-03-31 23:00 UTC.
    expect(c.ts[0]).toBe(Date.parse('2014-03-31T23:00:00Z'));
    expect(s.channels).toEqual([
      'refit-house2:main:mains',
      'refit-house2:main:kettle',
      'refit-house2:main:dishwasher',
      'refit-house2:main:washingmachine',
      'refit-house2:main:microwave',
    ]);
  });

  it('REFIT house 2, March 2014: the filled BST hour and zero-filled rows are skipped, not stored', async () => {
    const s = await run('refit/REFIT_House2_2014-03.csv.gz');
    expect(s.rows).toBe(89_280);
    expect(s.rejected).toBe(0);
    expect(s.skipped).toEqual({
      'zero-filled': expect.objectContaining({ count: 522 }),
      'local-time-nonexistent': expect.objectContaining({ count: 120 }),
    });
    expect(s.stored).toBe((89_280 - 120 - 522) * 5);
    // No stored mains reading is a REFIT fill value.
    const mains = await t.store.readings.readColumns('refit-house2:main:mains', 0, 4e12);
    expect(mains.value.includes(0)).toBe(false);
  });

  it('REDD house 1 mains day: 22,454 rows, two mains legs, US/Eastern local time', async () => {
    const s = await run('redd/house_1_2011-05-01_mains.csv');
    expect(s).toMatchObject({ format: 'redd', rows: 22_454, readings: 44_908, stored: 44_908, rejected: 0 });
    expect(s.channels).toEqual(['redd-house1:main:mains_1', 'redd-house1:main:mains_2']);
    const c = await t.store.readings.readColumns('redd-house1:main:mains_1', 0, 4e12);
    expect(c.ts[0]).toBe(Date.parse('2011-05-01T04:00:01Z'));
    expect(c.value[0]).toBe(126.71);
  });

  it('REDD house 3 relative seconds: --start anchors the series (first 20,000 rows)', async () => {
    await expect(run('redd/house_3_relative_3s.csv.gz')).rejects.toThrow(/--start/);
    const s = await run('redd/house_3_relative_3s.csv.gz', {
      start: '2011-04-16T00:00:00',
      limitRows: 20_000,
    });
    expect(s).toMatchObject({
      format: 'redd-relative',
      rows: 20_000,
      readings: 400_000,
      stored: 400_000,
      rejected: 0,
    });
    expect(s.channels).toHaveLength(20);
    const c = await t.store.readings.readColumns('redd-house3:main:mains', 0, 4e12);
    expect(c.ts[0]).toBe(Date.parse('2011-04-16T04:00:00Z'));
    expect(c.ts[1]! - c.ts[0]!).toBe(3000);
    expect(await t.store.catalog.getChannel('redd-house3:main:fre')).toMatchObject({ appliance: 'fridge' });
  });

  it('Green Button: stored totals equal the sum of interval values times 10^multiplier', async () => {
    const dir = join(DATA, 'greenbutton');
    for (const f of (await readdir(dir)).filter((x) => x.endsWith('.xml')).sort()) {
      const xml = await readFile(join(dir, f), 'utf8');
      const values = [...xml.matchAll(/<(?:\w+:)?IntervalReading>[\s\S]*?<\/(?:\w+:)?IntervalReading>/g)].map(
        (m) => Number(/<(?:\w+:)?value>([^<]*)</.exec(m[0])?.[1]),
      );
      const pow = Number(/<ReadingType[^>]*>[\s\S]*?<powerOfTenMultiplier>(-?\d+)</.exec(xml)?.[1] ?? 0);
      const expected = values.reduce((a, v) => a + v, 0) * 10 ** pow;
      const s = await run(`greenbutton/${f}`);
      expect(s.rows, f).toBe(values.length);
      if (f.startsWith('ngma')) {
        // This feed's ReadingType is empty (no uom): every reading is rejected with that reason.
        expect(s.byReason['unknown-unit']?.count, f).toBe(values.length);
        continue;
      }
      expect(s.rejected, f).toBe(0);
      let total = 0;
      let n = 0;
      for (const id of s.channels) {
        const r = await sum(id);
        total += r.total;
        n += r.n;
      }
      expect(n, f).toBe(values.length);
      expect(total, f).toBeCloseTo(expected, 6);
    }
    expect(await t.store.catalog.getMeter('gas_direct:up-net_usage')).toMatchObject({ serviceType: 'gas' });
    expect(await t.store.catalog.getChannel('gas_direct:up-net_usage:mr-1')).toMatchObject({ unit: 'therm' });
    expect(
      (await t.store.catalog.getFacility('coastal_multi_family_jan_1_2011_to_jan_1_2012_retailcustomer_5'))
        ?.timeZone,
    ).toBe('America/Los_Angeles');
  });

  it('Green Button: facilities and channels named from the usage point and meter reading, kind from the title', async () => {
    const coastal = 'coastal_multi_family_jan_1_2011_to_jan_1_2012_retailcustomer_5';
    await run(
      `greenbutton/${coastal}.xml`.replace(
        coastal,
        'Coastal_Multi_Family_Jan_1_2011_to_Jan_1_2012_RetailCustomer_5',
      ),
    );
    expect(await t.store.catalog.getFacility(coastal)).toMatchObject({
      name: 'Coastal Multi-Family',
      kind: 'residential',
      // A usage point's title that is not a street address is not taken for one.
      address: null,
    });
    expect(
      (await t.store.catalog.listChannels({ facilityId: coastal })).map((c) => [c.name, c.unit]),
    ).toEqual([['Hourly Electricity Consumption', 'Wh']]);
    // The user's own facility name and kind win over the file's.
    await run('greenbutton/TestGBDataHourlyNineDaysBinnedDaily.xml', {
      facility: 'My flat',
      facilityKind: 'commercial',
    });
    expect(await t.store.catalog.getFacility('my-flat')).toMatchObject({
      name: 'My flat',
      kind: 'commercial',
    });
    const gb = await run('greenbutton/TestGBDataOneYearDailyBinnedMonthly.xml');
    expect(await t.store.catalog.getFacility(gb.facilities![0]!)).toMatchObject({
      name: 'Green Button Sample Data File',
      kind: 'unknown',
    });
  });
});
