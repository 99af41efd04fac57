import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { createFleet } from '../fleet.ts';
import { UTILITYAPI_COLUMNS } from './utilityapi.ts';
import { FILE_FORMATS, importBackCommand, writeFleetFiles } from './files.ts';

const FROM = Date.UTC(2024, 1, 1);
const TO = FROM + 86_400_000;
const dirs: string[] = [];

async function tree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    out.set(
      path.slice(dir.length + 1),
      createHash('sha256')
        .update(await readFile(path))
        .digest('hex'),
    );
  }
  return out;
}

async function run(seed: number): Promise<{ dir: string; readings: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'loadscope-sim-files-'));
  dirs.push(dir);
  const fleet = createFleet({
    seed,
    meters: 30,
    applianceShare: 0.3,
    sampleMs: 300_000,
    unusualShare: 0.1,
    spikesPerHouseDay: 1,
  });
  const r = await writeFleetFiles(fleet, {
    dir,
    from: FROM,
    to: TO,
    formats: FILE_FORMATS,
    parquetThreads: 1,
  });
  return { dir, readings: r.readings };
}

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('writeFleetFiles', () => {
  it('writes byte-identical files for the same seed, different ones for another seed', async () => {
    const a = await run(77);
    const b = await run(77);
    const c = await run(78);
    const ta = await tree(a.dir);
    expect([...ta.keys()].sort()).toEqual(
      [
        'catalog.json',
        'channels.csv',
        'registrations.csv',
        'readings.csv',
        'utilityapi.csv',
        'utilityapi.json',
        'parquet/channels.parquet',
        'parquet/readings-00000.parquet',
        'truth/truth.json',
        'truth/spikes.csv',
        'truth/appliance_channels.csv',
        'truth/unusual_facilities.csv',
        'truth/heavy_meters.csv',
        'truth/solar_homes.csv',
      ].sort(),
    );
    expect(await tree(b.dir)).toEqual(ta);
    const tc = await tree(c.dir);
    expect(tc.get('readings.csv')).not.toBe(ta.get('readings.csv'));
    expect(tc.get('parquet/readings-00000.parquet')).not.toBe(ta.get('parquet/readings-00000.parquet'));
  });

  it('writes the same readings to CSV and Parquet, and UtilityAPI rows for interval meters', async () => {
    const { dir, readings } = await run(5);
    const csv = (await readFile(join(dir, 'readings.csv'), 'utf8')).trimEnd().split('\n');
    expect(csv[0]).toBe('facility_id,meter_id,channel,ts,value,unit,quality');
    expect(csv.length - 1).toBe(readings);
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      const p = (
        await conn.runAndReadAll(
          `SELECT count(*)::INTEGER n, sum(value) s FROM '${join(dir, 'parquet', 'readings-*.parquet')}'`,
        )
      ).getRows()[0] as [number, number];
      const c = (
        await conn.runAndReadAll(
          `SELECT count(*)::INTEGER n, sum(value) s FROM read_csv('${join(dir, 'readings.csv')}', types = {'value': 'DOUBLE'})`,
        )
      ).getRows()[0] as [number, number];
      expect(p[0]).toBe(readings);
      expect(c[0]).toBe(readings);
      expect(p[1]).toBeCloseTo(c[1], 3);
      const joined = (
        await conn.runAndReadAll(
          `SELECT count(*)::INTEGER FROM '${join(dir, 'parquet', 'readings-*.parquet')}' r JOIN '${join(dir, 'parquet', 'channels.parquet')}' c USING (channel_key)`,
        )
      ).getRows()[0] as [number];
      expect(joined[0]).toBe(readings);
    } finally {
      conn.closeSync();
      db.closeSync();
    }
    const ua = (await readFile(join(dir, 'utilityapi.csv'), 'utf8')).trimEnd().split('\n');
    expect(ua[0]).toBe(UTILITYAPI_COLUMNS.join(','));
    const json = JSON.parse(await readFile(join(dir, 'utilityapi.json'), 'utf8')) as {
      intervals: Record<string, unknown>[];
    };
    expect(json.intervals.length).toBe(ua.length - 1);
    const first = json.intervals[0] as Record<string, unknown>;
    expect(Object.keys(first)).toEqual([...UTILITYAPI_COLUMNS]);
    const elec = json.intervals.filter((r) => r['interval_kWh'] !== null);
    expect(elec.length).toBeGreaterThan(0);
    for (const r of elec.slice(0, 500))
      expect(r['interval_kW']).toBeCloseTo((r['interval_kWh'] as number) * 12, 3);
    const truth = JSON.parse(await readFile(join(dir, 'truth', 'truth.json'), 'utf8')) as {
      spikes: unknown[];
      from: number;
    };
    expect(truth.from).toBe(FROM);
    const spikesCsv = (await readFile(join(dir, 'truth', 'spikes.csv'), 'utf8')).trimEnd().split('\n');
    expect(spikesCsv.length - 1).toBe(truth.spikes.length);
  });

  it('names the command that imports the files back', () => {
    expect(importBackCommand('out', ['registrations.csv', 'readings.csv', 'parquet/'])).toBe(
      'loadscope import out/registrations.csv out/parquet',
    );
    expect(importBackCommand('out/', ['registrations.csv', 'utilityapi.json'])).toBe(
      'loadscope import out/registrations.csv out/utilityapi.json',
    );
  });
});
