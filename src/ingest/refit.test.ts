/**
 * REFIT files: the `Unix` column of the original files places rows around clock changes, and rows
 * that REFIT fills with zeros are skipped and counted, never stored as 0 W readings.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FACTORIES, type TestStore } from '../store/contract/factories.ts';
import { importFile } from './import-file.ts';

const duckdb = STORE_FACTORIES.find((f) => f.kind === 'duckdb')!;

describe('REFIT import (duckdb)', () => {
  let t: TestStore;
  let dir: string;
  beforeAll(async () => {
    t = await duckdb.open();
    dir = await mkdtemp(join(tmpdir(), 'loadscope-refit-'));
  });
  afterAll(async () => {
    await t?.destroy();
    await rm(dir, { recursive: true, force: true });
  });
  const write = async (name: string, text: string): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };

  it('uses the Unix column when present: the spring-forward hour is placed, not rejected', async () => {
    // 2015-03-29: UK clocks go from 01:00 GMT to 02:00 BST. A logger's local stamp of 01:30 does not
    // exist; the Unix seconds still say exactly when the reading was taken.
    const t0 = Date.UTC(2015, 2, 29, 0, 59, 30) / 1000;
    const rows = [
      `2015-03-29 00:59:30,${t0},200,0`,
      `2015-03-29 01:30:00,${t0 + 30},210,2000`,
      `2015-03-29 02:00:30,${t0 + 60},220,0`,
    ];
    const path = await write('REFIT_House99_unix.csv', ['Time,Unix,Aggregate,Kettle', ...rows].join('\n'));
    const s = await importFile(t.store, {
      path,
      format: 'refit',
      quarantineDir: dir,
      facility: 'refit-unix',
    });
    expect(s).toMatchObject({ rows: 3, readings: 6, stored: 6, rejected: 0 });
    expect(s.channels).toEqual(['refit-unix:main:mains', 'refit-unix:main:kettle']);
    const c = await t.store.readings.readColumns('refit-unix:main:mains', 0, 4e12);
    expect([...c.ts]).toEqual([t0 * 1000, (t0 + 30) * 1000, (t0 + 60) * 1000]);
    expect([...c.value]).toEqual([200, 210, 220]);
  });

  it('without a Unix column the filled hour is skipped with a note; zero-filled rows are skipped', async () => {
    const path = await write(
      'REFIT_House98_2015-03.csv',
      [
        'Time,Aggregate,Kettle',
        '2015-03-29 00:59:30,200,0',
        '2015-03-29 01:00:00,200,0',
        '2015-03-29 01:59:30,0,0',
        '2015-03-29 02:00:00,0,0',
        '2015-03-29 02:00:30,230,0',
      ].join('\n'),
    );
    const s = await importFile(t.store, {
      path,
      format: 'refit',
      quarantineDir: dir,
      facility: 'refit-fill',
    });
    expect(s).toMatchObject({ rows: 5, stored: 4, rejected: 0, quarantine: null });
    expect(s.skipped).toEqual({
      'local-time-nonexistent': { count: 1, note: expect.stringMatching(/no Unix column/) },
      'zero-filled': { count: 2, note: expect.stringMatching(/no measurement/) },
    });
    const c = await t.store.readings.readColumns('refit-fill:main:mains', 0, 4e12);
    expect([...c.value]).toEqual([200, 230]);
    expect(c.ts[1]).toBe(Date.UTC(2015, 2, 29, 1, 0, 30));
  });

  it('a generic wide CSV keeps its zeros: only REFIT says that 0 means no measurement', async () => {
    const path = await write(
      'plain.csv',
      'timestamp,mains\n2024-01-01T00:00:00Z,0\n2024-01-01T00:01:00Z,5\n',
    );
    const s = await importFile(t.store, {
      path,
      format: 'csv-wide',
      unit: 'W',
      quarantineDir: dir,
      facility: 'plain',
    });
    expect(s).toMatchObject({ stored: 2, skipped: {} });
  });
});
