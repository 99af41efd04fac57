import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRefit } from './refit.ts';

const dir = await mkdtemp(join(tmpdir(), 'nilm-refit-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function refitFile(
  house: number,
  month: string,
  rows: string[],
  header = 'Time,Aggregate,Kettle,Dishwasher,WashingMachine,Microwave',
): Promise<void> {
  await mkdir(join(dir, 'refit'), { recursive: true });
  const text = [header, ...rows].join('\n') + '\n';
  await writeFile(join(dir, 'refit', `REFIT_House${house}_${month}.csv.gz`), gzipSync(text));
}

describe('REFIT loader', () => {
  it('averages onto the grid, treats zero-filled rows as missing and reports them', async () => {
    await refitFile(7, '2014-01', [
      '2014-01-01 00:00:00,100,0,0,0,0',
      '2014-01-01 00:00:30,3100,3000,0,0,0',
      '2014-01-01 00:01:00,0,0,0,0,0',
      '2014-01-01 00:01:30,0,0,0,0,0',
      '2014-01-01 00:02:00,120,0,0,0,0',
    ]);
    const h = await loadRefit({
      dataDir: dir,
      house: 7,
      from: Date.UTC(2014, 0, 1),
      to: Date.UTC(2014, 0, 1, 0, 3),
      periodMs: 60_000,
    });
    expect(Array.from(h.mains)).toEqual([1600, NaN, 120]);
    expect(Array.from(h.appliances['kettle']!)).toEqual([1500, NaN, 0]);
    expect(Object.keys(h.appliances)).toEqual(['kettle', 'dishwasher', 'washing_machine', 'microwave']);
    expect(h.missing).toEqual({ slots: 3, mainsMissing: 1, zeroFilled: 1 });
  });

  it('places UK local time: GMT in winter, BST in summer, the filled spring-forward hour left out', async () => {
    await refitFile(9, '2014-03', [
      '2014-03-30 00:59:30,100,0,0,0,0',
      // 01:00-01:59 does not exist on 2014-03-30: REFIT forward-fills it; it must not land on 01:xx UTC.
      '2014-03-30 01:00:00,100,0,0,0,0',
      '2014-03-30 01:30:00,100,0,0,0,0',
      '2014-03-30 02:00:00,500,0,0,0,0',
      '2014-03-30 02:30:00,700,0,0,0,0',
    ]);
    const h = await loadRefit({
      dataDir: dir,
      house: 9,
      from: Date.UTC(2014, 2, 30, 0, 30),
      to: Date.UTC(2014, 2, 30, 2, 0),
      periodMs: 30 * 60_000,
    });
    // Slots 00:30, 01:00 and 01:30 UTC: 01:00 UTC is 02:00 BST, 01:30 UTC is 02:30 BST.
    expect(Array.from(h.mains)).toEqual([100, 500, 700]);
  });

  it('uses the Unix column of the original REFIT files when present', async () => {
    const t0 = Date.UTC(2014, 2, 30, 0, 59, 30) / 1000;
    await refitFile(
      10,
      '2014-03',
      [`2014-03-30 00:59:30,${t0},100,0`, `2014-03-30 01:30:00,${t0 + 30},300,200`],
      'Time,Unix,Aggregate,Kettle',
    );
    const h = await loadRefit({
      dataDir: dir,
      house: 10,
      from: t0 * 1000,
      to: (t0 + 60) * 1000,
      periodMs: 30_000,
    });
    expect(Array.from(h.mains)).toEqual([100, 300]);
    expect(Array.from(h.appliances['kettle']!)).toEqual([0, 200]);
  });

  it('names the file, line and column of a bad value', async () => {
    await refitFile(8, '2014-01', ['2014-01-01 00:00:00,100,0,0,0,0', '2014-01-01 00:00:30,100,abc,0,0,0']);
    await expect(
      loadRefit({
        dataDir: dir,
        house: 8,
        from: Date.UTC(2014, 0, 1),
        to: Date.UTC(2014, 0, 2),
        periodMs: 30_000,
      }),
    ).rejects.toThrow(/REFIT_House8_2014-01\.csv\.gz:3, field 'Kettle': expected a number in W, got 'abc'/);
  });

  it('says which house and range had no files', async () => {
    await expect(
      loadRefit({
        dataDir: dir,
        house: 99,
        from: Date.UTC(2014, 0, 1),
        to: Date.UTC(2014, 0, 2),
        periodMs: 30_000,
      }),
    ).rejects.toThrow(/no REFIT files for house 99/);
  });
});

const shared = process.env['LOADSCOPE_DATA_DIR'] ?? join(import.meta.dirname, '../../../../shared/data');
const haveRefit = existsSync(join(shared, 'refit', 'REFIT_House2_2014-05.csv.gz'));
if (!haveRefit)
  console.warn(`skipping the real REFIT test: ${shared}/refit not found (set LOADSCOPE_DATA_DIR)`);

describe.skipIf(!haveRefit)('REFIT house 2, real data', () => {
  it('loads a day at 30 s with the four appliances and a sane mains level', async () => {
    const h = await loadRefit({
      dataDir: shared,
      house: 2,
      from: Date.UTC(2014, 4, 10),
      to: Date.UTC(2014, 4, 11),
      periodMs: 30_000,
    });
    expect(h.length).toBe(2880);
    expect(h.missing.mainsMissing).toBeLessThan(100);
    let sum = 0;
    let n = 0;
    for (const v of h.mains) {
      if (Number.isNaN(v)) continue;
      sum += v;
      n++;
    }
    expect(sum / n).toBeGreaterThan(50);
    expect(sum / n).toBeLessThan(3000);
    expect(Math.max(...Array.from(h.appliances['kettle']!).filter((v) => !Number.isNaN(v)))).toBeGreaterThan(
      1500,
    );
  });
});
