/**
 * A user's own sub-metered house as a CSV: any time column, rate and column names, mapped in the
 * experiment; no renaming of files or columns.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runExperiment } from '../evaluate.ts';
import { parseExperiment, readExperiment } from '../experiment.ts';
import { loadCsvHouse } from './csv.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nilm-csv-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A house logged every 10 s with two mains legs in kW, a fridge and a washer on two columns. */
function house(hours: number, washerEvery: number): string {
  const lines = ['"unix_ms","leg_a","leg_b","fridge_kw","wm_motor","wm_heater"'];
  for (let i = 0; i < hours * 360; i++) {
    const fridge = i % 90 < 30 ? 0.12 : 0;
    const washer = i % washerEvery < 20 ? [0.3, 1.8] : [0, 0];
    const mains = 0.1 + fridge + washer[0]! + washer[1]!;
    lines.push([Date.UTC(2024, 5, 1) + i * 10_000, mains / 2, mains / 2, fridge, ...washer].join(','));
  }
  return lines.join('\n') + '\n';
}

describe('CSV house loader', () => {
  it('reads any time column and rate, sums mapped columns, scales to W and keeps blanks missing', async () => {
    const path = join(dir, 'tiny.csv');
    await writeFile(
      path,
      [
        'meter_w,when,oven',
        '100,2024-03-31 01:59:00,0',
        '300,2024-03-31 03:00:10,2000',
        ',2024-03-31 03:00:40,2000',
        '500,2024-03-31 03:00:50,',
      ].join('\n'),
    );
    // Europe/Berlin skips 02:00-03:00 on 2024-03-31: 03:00:10 CEST is 01:00:10 UTC.
    const h = await loadCsvHouse(
      {
        path,
        time: { column: 'when', format: 'iso', zone: 'Europe/Berlin' },
        mains: 'meter_w',
        appliances: { oven: 'oven' },
        scale: 1,
        from: Date.UTC(2024, 2, 31, 0, 59),
        to: Date.UTC(2024, 2, 31, 1, 1),
      },
      60_000,
    );
    expect(Array.from(h.mains)).toEqual([100, 400]);
    expect(Array.from(h.appliances['oven']!)).toEqual([0, 2000]);
  });

  it('names the file and the column when a mapped column is absent or a value is bad', async () => {
    const path = join(dir, 'bad.csv');
    await writeFile(path, 'time,mains,kettle\n1717200000,100,abc\n');
    const base = {
      path,
      time: { column: 'time', format: 'unix-s' as const },
      mains: 'mains',
      scale: 1,
      from: 0,
      to: 2e12,
    };
    await expect(loadCsvHouse({ ...base, appliances: { fridge: 'fridge' } }, 60_000)).rejects.toThrow(
      /bad\.csv.*expected columns for fridge/,
    );
    await expect(loadCsvHouse({ ...base, appliances: { kettle: 'kettle' } }, 60_000)).rejects.toThrow(
      /bad\.csv:2, field 'kettle': expected a number, got 'abc'/,
    );
    await expect(
      loadCsvHouse({ ...base, time: { ...base.time, zone: 'Mars/Olympus' }, appliances: {} }, 60_000),
    ).rejects.toThrow(/unknown time zone 'Mars\/Olympus'/);
  });

  it('is an experiment source: paths relative to the experiment, appliance names normalised', async () => {
    await writeFile(join(dir, 'house-a.csv'), house(6, 180));
    await writeFile(join(dir, 'house-b.csv'), house(6, 240));
    const src = (file: string) => ({
      dataset: 'csv',
      path: file,
      time: { column: 'unix_ms', format: 'unix-ms' },
      mains: ['leg_a', 'leg_b'],
      appliances: { Fridge: 'fridge_kw', 'washing machine': ['wm_motor', 'wm_heater'] },
      unit: 'kW',
      from: '2024-06-01T00:00:00Z',
      to: '2024-06-01T06:00:00Z',
    });
    const file = join(dir, 'own-houses.yaml');
    await writeFile(
      file,
      stringify({
        name: 'own',
        samplePeriod: '1min',
        appliances: ['fridge', 'washing_machine'],
        methods: ['co'],
        metrics: ['mae'],
        runs: [{ name: 'a-to-b', train: [src('house-a.csv')], test: [src('./house-b.csv')] }],
      }),
    );
    const exp = await readExperiment(file);
    const test = exp.runs[0]!.test[0]!;
    expect(test).toMatchObject({ dataset: 'csv', path: join(dir, 'house-b.csv') });
    const r = await runExperiment(exp, { dataDir: join(dir, 'no-shared-data') });
    expect(r.runs[0]!.missingAppliances).toEqual([]);
    const scores = r.runs[0]!.results[0]!.scores;
    expect(Object.keys(scores).sort()).toEqual(['fridge', 'washing_machine']);
    // Combinatorial optimisation recovers the washer (2.1 kW) closely; MAE in W per minute.
    expect(scores['washing_machine']!['mae']).toBeLessThan(150);
  });

  it('refuses a CSV source without appliance columns, naming the field', () => {
    const bad = {
      name: 'x',
      samplePeriod: '1min',
      appliances: ['fridge'],
      methods: ['co'],
      runs: [
        {
          name: 'r',
          train: [
            {
              dataset: 'csv',
              path: 'a.csv',
              mains: 'm',
              appliances: {},
              from: '2024-01-01',
              to: '2024-01-02',
            },
          ],
          test: [
            {
              dataset: 'csv',
              path: 'a.csv',
              mains: 'm',
              appliances: {},
              from: '2024-01-01',
              to: '2024-01-02',
            },
          ],
        },
      ],
    };
    expect(() => parseExperiment(bad, 'e.yaml')).toThrow(/field 'runs\.0\.train\.0\.appliances'/);
  });
});
