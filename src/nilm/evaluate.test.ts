import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExperiment } from './evaluate.ts';
import { parseExperiment } from './experiment.ts';
import { formatTables } from './report.ts';

/** Two small REFIT-like houses; house 5 has no washing machine sub-meter. */
async function writeHouses(dir: string): Promise<void> {
  await mkdir(join(dir, 'refit'), { recursive: true });
  const rows = (withWasher: boolean): string[] =>
    Array.from({ length: 240 }, (_, i) => {
      const t = new Date(Date.UTC(2014, 0, 1, 0, 0, 30 * i)).toISOString().slice(0, 19).replace('T', ' ');
      const kettle = i % 40 < 5 ? 2500 : 0;
      const washer = i % 60 > 50 ? 2000 : 0;
      const mains = 100 + kettle + (withWasher ? washer : 0);
      return [t, mains, kettle, ...(withWasher ? [washer] : [])].join(',');
    });
  const gz = (lines: string[]): Buffer => gzipSync(lines.join('\n') + '\n');
  await writeFile(
    join(dir, 'refit', 'REFIT_House4_2014-01.csv.gz'),
    gz(['Time,Aggregate,Kettle,WashingMachine', ...rows(true)]),
  );
  await writeFile(
    join(dir, 'refit', 'REFIT_House5_2014-01.csv.gz'),
    gz(['Time,Aggregate,Kettle', ...rows(false)]),
  );
}

const experiment = (missingAppliance?: 'warn' | 'fail') =>
  parseExperiment({
    name: 'missing',
    samplePeriod: '30s',
    appliances: ['kettle', 'washing machine'],
    methods: ['mean'],
    metrics: ['mae'],
    ...(missingAppliance ? { missingAppliance } : {}),
    runs: [
      {
        name: 'r',
        train: [{ dataset: 'refit', house: 4, from: '2014-01-01', to: '2014-01-01T02:00:00Z' }],
        test: [{ dataset: 'refit', house: 5, from: '2014-01-01', to: '2014-01-01T02:00:00Z' }],
      },
    ],
  });

describe('nilm eval: an appliance missing from a house', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nilm-eval-'));
    await writeHouses(dir);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('warns by default, in the log and in the printed table, and scores the rest', async () => {
    const exp = experiment();
    expect(exp.appliances).toEqual(['kettle', 'washing_machine']);
    expect(exp.missingAppliance).toBe('warn');
    const log: string[] = [];
    const r = await runExperiment(exp, { dataDir: dir }, (l) => log.push(l));
    expect(log.filter((l) => l.startsWith('warning:'))).toEqual([
      "warning: r: test house refit:5 2014-01-01..2014-01-01 has no 'washing_machine' (it has kettle); not scored there",
    ]);
    expect(r.runs[0]!.missingAppliances).toEqual([
      {
        house: 'refit:5 2014-01-01..2014-01-01',
        role: 'test',
        appliance: 'washing_machine',
        reason: 'absent',
      },
    ]);
    expect(Object.keys(r.runs[0]!.results[0]!.scores)).toEqual(['kettle']);
    expect(formatTables(r, exp.metrics)).toContain(
      "warning: test house refit:5 2014-01-01..2014-01-01 has no 'washing_machine': not scored",
    );
  });

  it('stops with missingAppliance: fail, naming the house and the appliance', async () => {
    await expect(runExperiment(experiment('fail'), { dataDir: dir })).rejects.toThrow(
      /refit:5 .*has no 'washing_machine' \(it has kettle\).*missingAppliance: fail/,
    );
  });

  it('refuses an appliance named twice under two spellings', () => {
    const raw = { ...experiment(), appliances: ['washing machine', 'WashingMachine'] };
    expect(() => parseExperiment({ ...raw, samplePeriod: '30s' }, 'e.yaml')).toThrow(
      /field 'appliances\.1'.*'WashingMachine' repeats appliance 'washing_machine'/,
    );
  });
});
