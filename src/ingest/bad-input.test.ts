/**
 * Bad input, on both store adapters: every problem is a counted rejection naming file, line and field,
 * written to the quarantine file, while the good rows of the same file land.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { STORE_FACTORIES, type TestStore } from '../store/contract/factories.ts';
import { importFile } from './import-file.ts';
import type { ImportOptions, Rejection } from './types.ts';

const FX = resolve(import.meta.dirname, '../../test/fixtures/ingest');

const reasons = (s: { byReason: Record<string, { count: number }> }): Record<string, number> =>
  Object.fromEntries(Object.entries(s.byReason).map(([k, v]) => [k, v.count]));

for (const factory of STORE_FACTORIES) {
  describe(`bad input (${factory.kind})`, () => {
    let t: TestStore;
    let qdir: string;
    const run = (file: string, o: Partial<ImportOptions> = {}) =>
      importFile(t.store, { path: join(FX, file), quarantineDir: qdir, ...o });
    beforeAll(async () => {
      t = await factory.open();
      qdir = await mkdtemp(join(tmpdir(), 'loadscope-ingest-q-'));
    });
    afterAll(async () => {
      await t?.destroy();
      await rm(qdir, { recursive: true, force: true });
    });

    it('long CSV: rejects each bad line with its reason, keeps good, duplicate and out-of-order rows', async () => {
      const s = await run('long-bad.csv');
      expect(s.format).toBe('csv-long');
      expect({
        rows: s.rows,
        readings: s.readings,
        stored: s.stored,
        duplicates: s.duplicates,
        rejected: s.rejected,
      }).toEqual({
        rows: 13,
        readings: 4,
        stored: 3,
        duplicates: 1,
        rejected: 9,
      });
      expect(reasons(s)).toEqual({
        'wrong-column-count': 1,
        'not-a-number': 1,
        'not-finite': 2,
        'timestamp-out-of-range': 1,
        'bad-timestamp': 1,
        'unknown-unit': 1,
        'unit-mismatch': 1,
        truncated: 1,
      });
      const q = (await readFile(s.quarantine!, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Rejection);
      expect(q.map((r) => [r.line, r.field, r.reason])).toEqual([
        [3, '', 'wrong-column-count'],
        [4, 'value', 'not-a-number'],
        [5, 'value', 'not-finite'],
        [6, 'value', 'not-finite'],
        [7, 'timestamp', 'timestamp-out-of-range'],
        [8, 'timestamp', 'bad-timestamp'],
        [9, 'unit', 'unknown-unit'],
        [13, 'unit', 'unit-mismatch'],
        [14, '', 'truncated'],
      ]);
      expect(q[1]).toMatchObject({
        file: join(FX, 'long-bad.csv'),
        raw: 'm1,mains,2024-01-01T00:02:00Z,abc,W',
      });
      const mains = await t.store.readings.read('long-bad:m1:mains', 0, 2e12);
      expect(mains.map((r) => [new Date(r.ts).toISOString(), r.value])).toEqual([
        ['2023-12-31T23:59:00.000Z', 99],
        ['2024-01-01T00:00:00.000Z', 100],
      ]);
      expect(await t.store.readings.read('long-bad:m1:kettle', 0, 2e12)).toMatchObject([{ value: 1500 }]);
      expect(await t.store.catalog.getChannel('long-bad:m1:kettle')).toMatchObject({
        unit: 'W',
        measurement: 'power',
        isMains: false,
      });
    });

    it('importing the same file twice changes nothing', async () => {
      const before = await t.store.readings.count();
      const s = await run('long-bad.csv');
      expect(s.stored).toBe(0);
      expect(s.duplicates).toBe(4);
      expect(await t.store.readings.count()).toBe(before);
    });

    it('gzip cut mid-stream: the complete lines land, the cut is counted', async () => {
      const s = await run('long-cut.csv.gz', { unit: 'W' });
      expect(s.stored).toBe(1561);
      expect(reasons(s)).toEqual({ truncated: 2 });
      expect(s.byReason['truncated']!.examples[1]!.message).toMatch(/gzip stream damaged or truncated/);
      expect(await t.store.readings.count('long-cut:m1:mains')).toBe(1561);
    });

    it('wide CSV in local time: DST gap rejected, repeated hour kept in order, bad cell alone rejected', async () => {
      const s = await run('wide-dst.csv', { unit: 'W', tz: 'Europe/London', tsFormat: 'local' });
      expect(reasons(s)).toEqual({ 'local-time-nonexistent': 1, 'not-a-number': 1 });
      expect(s.byReason['not-a-number']!.examples[0]).toMatchObject({ line: 4, field: 'kettle' });
      const mains = await t.store.readings.read(
        'wide-dst:main:mains',
        Date.parse('2024-10-26T00:00:00Z'),
        Date.parse('2024-10-28T00:00:00Z'),
      );
      expect(mains.map((r) => new Date(r.ts).toISOString().slice(11, 16))).toEqual([
        '23:30',
        '00:00',
        '00:30',
        '01:00',
        '01:30',
        '02:00',
      ]);
      expect(await t.store.readings.count('wide-dst:main:mains')).toBe(8);
      expect(await t.store.readings.count('wide-dst:main:kettle')).toBe(7);
      expect((await t.store.catalog.getFacility('wide-dst'))?.timeZone).toBe('Europe/London');
    });

    it('XML that is not ESPI is a clear error', async () => {
      await expect(run('not-espi.xml')).rejects.toThrow(InputError);
      await expect(run('not-espi.xml')).rejects.toThrow(
        /not-espi\.xml:2: not a Green Button ESPI feed: the root element is <rss>/,
      );
    });

    it('ESPI feed with two usage points, late ReadingType and a bad value', async () => {
      const s = await run('espi-multi.xml');
      expect({ readings: s.readings, stored: s.stored }).toEqual({ readings: 4, stored: 4 });
      expect(reasons(s)).toEqual({ 'not-a-number': 1 });
      expect(s.byReason['not-a-number']!.examples[0]).toMatchObject({ field: 'value', line: 28 });
      expect(await t.store.catalog.getMeter('espi-multi:up-20')).toMatchObject({ serviceType: 'gas' });
      expect(await t.store.catalog.getChannel('espi-multi:up-20:mr-1')).toMatchObject({
        unit: 'therm',
        measurement: 'interval',
        intervalMs: 86_400_000,
      });
      expect((await t.store.readings.read('espi-multi:up-20:mr-1', 0, 2e12)).map((r) => r.value)).toEqual([
        2.5, 3.5,
      ]);
      expect((await t.store.readings.read('espi-multi:up-10:mr-1', 0, 2e12)).map((r) => r.value)).toEqual([
        500, 700,
      ]);
      expect(await t.store.catalog.getFacility('espi-multi')).toMatchObject({
        timeZone: 'America/Chicago',
        address: '1 Test Street',
      });
    });

    it('ESPI feed cut mid-file: complete readings land, the cut is counted', async () => {
      const s = await run('espi-cut.xml');
      expect(s.stored).toBe(2);
      expect(reasons(s)).toEqual({ truncated: 1 });
    });

    it('UtilityAPI CSV and JSON: meters with utility fields, kW fallback, bad values rejected', async () => {
      const c = await run('utilityapi.csv');
      expect(c.format).toBe('utilityapi-csv');
      expect({ stored: c.stored, rejected: c.rejected }).toEqual({ stored: 4, rejected: 1 });
      expect(c.byReason['not-a-number']!.examples[0]).toMatchObject({ line: 5, field: 'interval_kWh' });
      // Without --facility, the services go to a facility of their service address.
      expect(c.facilities).toEqual(['1-main-st-springfield']);
      expect(await t.store.catalog.getFacility('1-main-st-springfield')).toMatchObject({
        name: '1 Main St, Springfield',
        address: '1 Main St, Springfield',
      });
      expect(await t.store.catalog.getMeter('1-main-st-springfield:svc-1')).toMatchObject({
        utilityMeterNumber: 'M-100',
        serviceId: 'S-1',
        tariff: 'E-1',
        utility: 'PG&E',
      });
      // Row 3 has only interval_kW: 6 kW over 15 minutes = 1,500 Wh.
      expect(
        (await t.store.readings.read('1-main-st-springfield:svc-1:mains', 0, 2e12)).map((r) => r.value),
      ).toEqual([500, 1000, 1500]);
      const j = await run('utilityapi.json', { facility: 'utilityapi-json' });
      expect({ stored: j.stored, rejected: j.rejected }).toEqual({ stored: 3, rejected: 1 });
      expect(j.byReason['not-finite']!.examples[0]!.field).toBe('intervals[0].readings[3].kwh');
      expect(
        (await t.store.readings.read('utilityapi-json:svc-9:mains', 0, 2e12)).map((r) => r.value),
      ).toEqual([1250, 750, 750]);
    });

    it('REDD low_freq directory: labels name the channels, bad values rejected per file', async () => {
      const s = await run('redd_low_freq/house_1');
      expect(s.format).toBe('redd-low-freq');
      expect(s.channels).toEqual([
        'redd-house1:main:mains_1',
        'redd-house1:main:mains_2',
        'redd-house1:main:kitchen_outlets_3',
      ]);
      expect({ stored: s.stored, rejected: s.rejected }).toEqual({ stored: 7, rejected: 1 });
      expect(s.byReason['not-a-number']!.examples[0]).toMatchObject({
        file: join(FX, 'redd_low_freq/house_1/channel_2.dat'),
        line: 3,
        field: 'watts',
      });
      expect(await t.store.catalog.getChannel('redd-house1:main:kitchen_outlets_3')).toMatchObject({
        isMains: false,
        appliance: 'kitchen outlets',
      });
    });
  });
}
