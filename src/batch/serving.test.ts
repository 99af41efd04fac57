import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../cli/context.ts';
import { contextDefaults } from '../cli/testing.ts';
import { STORE_FACTORIES, type TestStore } from '../store/contract/factories.ts';
import { registerBatchCommands } from './cli.ts';
import { channelBatch, seedFacility, steps } from './test-support.ts';

const day0 = Date.parse('2024-01-15T00:00:00Z');
const H = 3_600_000;

/** Continuous percentile by linear interpolation between order statistics, written independently. */
function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (p / 100) * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (pos - lo);
}

/** The DuckDB type of a Parquet file's column and its first value in epoch milliseconds. */
async function parquetColumn(path: string, column: string): Promise<{ type: string; first: number }> {
  const duck = await DuckDBInstance.create(':memory:');
  const conn = await duck.connect();
  try {
    const [row] = (
      await conn.runAndReadAll(
        `SELECT typeof("${column}") AS type, epoch_ms(min("${column}")) AS first FROM read_parquet('${path}') GROUP BY 1`,
      )
    ).getRowObjectsJS();
    return { type: String(row?.['type']), first: Number(row?.['first']) };
  } finally {
    conn.closeSync();
    duck.closeSync();
  }
}

describe.each(STORE_FACTORIES)('serving queries, thresholds and CLI on $kind', (factory) => {
  let t: TestStore;
  let dir: string;
  const ts = steps(day0, day0 + 2 * 24 * H, 60_000);
  const series = (k: number) => ts.map((_, i) => k * 100 + ((i * 37) % 101));
  beforeAll(async () => {
    t = await factory.open();
    dir = await mkdtemp(join(tmpdir(), 'loadscope-batch-'));
    const store = t.store;
    // Facility A (zip 10001): meter with two mains legs and an appliance; meter without mains (two sub-circuits).
    await seedFacility(store, {
      facilityId: 'A',
      zip: '10001',
      timeZone: 'UTC',
      channels: [
        { id: 'A-leg1', isMains: true },
        { id: 'A-leg2', isMains: true },
        { id: 'A-fridge', appliance: 'fridge' },
      ],
    });
    await seedFacility(store, {
      facilityId: 'A',
      zip: '10001',
      timeZone: 'UTC',
      meterId: 'A-sub',
      channels: [{ id: 'A-s1' }, { id: 'A-s2' }],
    });
    await seedFacility(store, {
      facilityId: 'B',
      zip: '10001',
      timeZone: 'UTC',
      channels: [{ id: 'B-main', isMains: true }],
    });
    const ids = ['A-leg1', 'A-leg2', 'A-fridge', 'A-s1', 'A-s2', 'B-main'];
    for (const [k, id] of ids.entries()) await store.readings.write(channelBatch(id, ts, series(k + 1)));
    await store.rollups.recompute('all');
    await store.rollups.computeThresholds({ percentile: 97, now: 1 });
  });
  afterAll(async () => {
    await t?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const energy = async (level: 'channel' | 'meter' | 'facility' | 'zip', key: string) =>
    (await t.store.rollups.listRollups({ level, period: 'day', from: day0, to: day0 + 24 * H })).find(
      (r) => r.key === key,
    )?.energy;

  it('sums mains per meter, all channels of a meter without mains, meters per facility and facilities per zip', async () => {
    const byId = new Map<string, number>();
    for (const id of ['A-leg1', 'A-leg2', 'A-fridge', 'A-s1', 'A-s2', 'B-main'])
      byId.set(id, (await energy('channel', id)) ?? NaN);
    const e = (id: string) => byId.get(id) ?? NaN;
    expect(e('A-leg1')).toBeGreaterThan(0);
    const meterA = await energy('meter', 'A-m');
    expect(meterA).toBeCloseTo(e('A-leg1') + e('A-leg2'), 6);
    expect(await energy('meter', 'A-sub')).toBeCloseTo(e('A-s1') + e('A-s2'), 6);
    expect(await energy('facility', 'A')).toBeCloseTo(e('A-leg1') + e('A-leg2') + e('A-s1') + e('A-s2'), 6);
    expect(await energy('zip', '10001')).toBeCloseTo(
      e('A-leg1') + e('A-leg2') + e('A-s1') + e('A-s2') + e('B-main'),
      6,
    );
    const appliances = await t.store.rollups.listRollups({
      level: 'channel',
      period: 'day',
      facilityId: 'A',
      mains: false,
    });
    expect(new Set(appliances.map((r) => r.key))).toEqual(new Set(['A-fridge', 'A-s1', 'A-s2']));
    expect(appliances.find((r) => r.key === 'A-fridge')?.name).toBe('fridge');
    const history = await t.store.rollups.listRollups({
      level: 'channel',
      period: 'day',
      mains: true,
      facilityId: 'B',
    });
    expect(history.map((r) => r.label)).toEqual(['2024-01-15', '2024-01-16']);
    const [zipRow] = await t.store.rollups.listRollups({
      level: 'zip',
      period: 'hour',
      zip: '10001',
      limit: 1,
    });
    expect(zipRow).toMatchObject({ key: '10001', unit: 'Wh', label: '2024-01-15T00', channels: 5 });
  });

  it('stores p97 per channel as the interpolated percentile of its values', async () => {
    const thresholds = await t.store.rollups.getThresholds();
    expect(thresholds.map((x) => x.channelId)).toEqual([
      'A-fridge',
      'A-leg1',
      'A-leg2',
      'A-s1',
      'A-s2',
      'B-main',
    ]);
    const leg2 = thresholds.find((x) => x.channelId === 'A-leg2');
    expect(leg2?.value).toBeCloseTo(percentile(series(2), 97), 9);
    expect(leg2).toMatchObject({
      name: 'p97',
      percentile: 97,
      from: ts[0],
      to: ts[ts.length - 1],
      computedAt: 1,
    });
    expect(await t.store.rollups.getThresholds('p99')).toEqual([]);
  });

  it('answers loadscope batch, query and export', async () => {
    let out = '';
    let err = '';
    const ctx: CliContext = {
      config: () => {
        throw new Error('not used');
      },
      store: async () => t.store,
      out: { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream,
      err: { write: (s: string) => ((err += s), true) } as unknown as NodeJS.WritableStream,
      ...contextDefaults(),
    };
    const run = async (...args: string[]) => {
      out = '';
      err = '';
      const program = new Command('loadscope').exitOverride();
      registerBatchCommands(program, ctx);
      await program.parseAsync(args, { from: 'user' });
      return out;
    };
    // The readings written in beforeAll are still pending; the stored p97 is refreshed with the new p99.5.
    expect(await run('batch', '--percentile', '99.5')).toMatch(
      /^batch \(incremental\): 6 change\(s\), 6 channel\(s\), .* 12 daily rows, 12 threshold\(s\) p99\.5/,
    );
    expect(await run('batch')).toMatch(
      /^batch \(incremental\): 0 change\(s\), 0 channel\(s\), 0 local day\(s\), 0 hourly and 0 daily rows, 0 threshold/,
    );
    const json = JSON.parse(await run('query', 'thresholds', '--name', 'p99.5', '--format', 'json')) as {
      channelId: string;
      value: number;
    }[];
    expect(json.find((r) => r.channelId === 'A-s1')?.value).toBeCloseTo(percentile(series(4), 99.5), 9);
    const table = await run(
      'query',
      'rollups',
      '--by',
      'facility',
      '--period',
      'day',
      '--from',
      '2024-01-15',
      '--to',
      '2024-01-16',
    );
    expect(table.split('\n')[0]).toMatch(/^key\s+name\s+label\s+start\s+unit\s+energy/);
    // Readable: the facility's name and the start as an ISO time, not epoch milliseconds.
    expect(table).toMatch(/\nA\s+A\s+2024-01-15\s+2024-01-15T00:00:00\.000Z\s+Wh\s+[\d.]+/);
    expect(table).toMatch(/\n2 rows\n$/);
    const csv = await run('query', 'rollups', '--by', 'zip', '--format', 'csv');
    expect(csv.split('\n')[0]).toBe(
      'key,name,label,start,unit,energy,meanPower,minPower,maxPower,samples,coverage,channels',
    );
    expect(csv.trim().split('\n')).toHaveLength(3);
    expect(csv.split('\n')[1]).toMatch(/^10001,2 facilities,2024-01-15,2024-01-15T00:00:00\.000Z,Wh,/);
    const meters = await run('query', 'rollups', '--by', 'meter', '--format', 'json');
    expect((JSON.parse(meters) as { name: string }[])[0]?.name).toMatch(/^electricity meter/);
    const readings = await run('query', 'readings', '--channel', 'B-main', '--limit', '2', '--format', 'csv');
    expect(readings).toBe(
      `channelId,time,value,quality\nB-main,2024-01-15T00:00:00.000Z,600,0\nB-main,2024-01-15T00:01:00.000Z,637,0\n`,
    );
    await run(
      'export',
      'rollups',
      '--period',
      'hour',
      '--out',
      join(dir, 'h.csv'),
      '--channel',
      'A-leg1',
      'A-leg2',
    );
    expect(err).toMatch(/exported 96 hourly rollups/);
    const lines = (await readFile(join(dir, 'h.csv'), 'utf8')).trim().split('\n');
    expect(lines[0]).toMatch(/^channel_id,meter_id,facility_id,zip,period,start,label,unit,energy/);
    expect(lines[1]).toMatch(/^A-leg1,A-m,A,10001,hour,2024-01-15T00:00:00\.000Z,2024-01-15T00,Wh,/);
    expect(lines).toHaveLength(97);
    await run('export', 'rollups', '--out', join(dir, 'd.parquet'));
    expect(err).toMatch(/exported 12 daily rollups .* \(parquet\)/);
    expect(await parquetColumn(join(dir, 'd.parquet'), 'start')).toEqual({
      type: 'TIMESTAMP WITH TIME ZONE',
      first: day0,
    });
    await run('export', 'readings', '--out', join(dir, 'r.csv'), '--channel', 'B-main');
    expect(err).toMatch(/exported 2880 readings/);
    const readingLines = (await readFile(join(dir, 'r.csv'), 'utf8')).split('\n');
    expect(readingLines[0]).toBe('channel_id,time,value,quality');
    expect(readingLines[1]).toMatch(/^B-main,2024-01-15T00:00:00\.000Z,600(\.0)?,0$/);
    await run('export', 'readings', '--out', join(dir, 'r.parquet'), '--channel', 'B-main');
    expect(await parquetColumn(join(dir, 'r.parquet'), 'time')).toEqual({
      type: 'TIMESTAMP WITH TIME ZONE',
      first: day0,
    });
    await expect(run('query', 'rollups', '--by', 'street')).rejects.toThrow(
      /--by.*expected one of channel, meter, facility, zip, got 'street'/,
    );
    await expect(run('batch', '--percentile', '100')).rejects.toThrow(/--percentile.*between 0 and 100/);
    await expect(run('query', 'rollups', '--from', 'yesterday')).rejects.toThrow(/--from.*ISO-8601/);
  });
});
