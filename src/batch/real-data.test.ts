/**
 * Correctness of the rollups on the shared public data sets, against references computed here in
 * plain TS straight from the files (not from the store). Skips with a message when the data is absent.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../ingest/import-file.ts';
import { STORE_FACTORIES, type TestStore } from '../store/contract/factories.ts';
import type { Store } from '../store/store.ts';
import { runBatch } from './run-batch.ts';
import { localDate } from './test-support.ts';

const DATA = resolve(process.env['LOADSCOPE_DATA_DIR'] ?? '../shared/data');
const AMPDS = join(DATA, 'ampds/AMPdsR1_1hr_Wh.csv');
const REDD = join(DATA, 'redd/house_1_2011-05-01_mains.csv');
const GB_HOURLY = join(
  DATA,
  'greenbutton/Coastal_Multi_Family_Jan_1_2011_to_Jan_1_2012_RetailCustomer_5.xml',
);
const GB_GAS = join(DATA, 'greenbutton/gas_direct.xml');
const present = [AMPDS, REDD, GB_HOURLY, GB_GAS].every((f) => existsSync(f));
if (!present)
  console.warn(
    `batch real-data tests skipped: the shared data set is missing under ${DATA} (set LOADSCOPE_DATA_DIR)`,
  );

/** Channel ids of an import by lower-case channel name, and the facility's time zone. */
async function channelsOf(
  store: Store,
  ids: string[],
): Promise<{ byName: Map<string, string>; timeZone: string }> {
  const byName = new Map<string, string>();
  let timeZone = '';
  for (const id of ids) {
    const c = await store.catalog.getChannel(id);
    if (!c) throw new Error(`channel ${id} missing`);
    byName.set(c.name.toLowerCase(), id);
    const m = await store.catalog.getMeter(c.meterId);
    timeZone = (await store.catalog.getFacility(m?.facilityId ?? ''))?.timeZone ?? '';
  }
  return { byName, timeZone };
}

/** Daily energy per channel from the store, as label -> Wh. */
async function daily(store: Store, channelId: string | undefined): Promise<Map<string, number>> {
  if (channelId === undefined) throw new Error('channel not found in the import');
  const rows = await store.rollups.listRollups({
    level: 'channel',
    period: 'day',
    channelId,
    limit: 100_000,
  });
  return new Map(rows.map((r) => [r.label, r.energy]));
}

describe.skipIf(!present).each(STORE_FACTORIES)('batch on real data ($kind)', (factory) => {
  let t: TestStore;
  let dir: string;
  const imports: Record<string, string[]> = {};
  beforeAll(async () => {
    t = await factory.open();
    dir = await mkdtemp(join(tmpdir(), 'loadscope-batch-real-'));
    for (const [name, path] of Object.entries({ ampds: AMPDS, redd: REDD, gb: GB_HOURLY, gas: GB_GAS })) {
      const s = await importFile(t.store, { path, quarantineDir: dir });
      imports[name] = s.channels;
    }
    // The incremental path over the imports' change log (two years of AMPds in one run).
    const store = t.store;
    const s = await runBatch({
      rollups: store.rollups,
      changes: store.readings,
      now: Date.now,
    });
    expect(s.mode).toBe('incremental');
    expect(s.channels).toBe(Object.values(imports).flat().length);
  }, 300_000);
  afterAll(async () => {
    await t?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('AMPds: daily energy equals the file hourly Wh summed per America/Vancouver day, for every circuit', async () => {
    const lines = (await readFile(AMPDS, 'utf8')).trim().split('\n');
    const header = (lines[0] ?? '').split(',');
    const ref = new Map<string, Map<string, number>>(header.slice(1).map((h) => [h, new Map()]));
    for (const line of lines.slice(1)) {
      const f = line.split(',');
      const day = localDate(Number(f[0]) * 1000, 'America/Vancouver');
      header.slice(1).forEach((h, i) => {
        const m = ref.get(h) as Map<string, number>;
        m.set(day, (m.get(day) ?? 0) + Number(f[i + 1]));
      });
    }
    const { byName, timeZone } = await channelsOf(t.store, imports['ampds'] ?? []);
    expect(timeZone).toBe('America/Vancouver');
    expect(byName.size).toBe(header.length - 1);
    for (const [circuit, days] of ref) {
      const id = byName.get(circuit.toLowerCase());
      const got = await daily(t.store, id);
      expect(got.size, circuit).toBe(days.size);
      for (const [day, wh] of days) expect(got.get(day), `${circuit} ${day}`).toBeCloseTo(wh, 6);
      // The same through the hourly rollups, summed per local day.
      const hours = await t.store.rollups.listRollups({
        level: 'channel',
        period: 'hour',
        channelId: id,
        limit: 100_000,
      });
      const perDay = new Map<string, number>();
      for (const h of hours)
        perDay.set(h.label.slice(0, 10), (perDay.get(h.label.slice(0, 10)) ?? 0) + h.energy);
      for (const [day, wh] of got) expect(perDay.get(day), `${circuit} ${day} hours`).toBeCloseTo(wh, 6);
    }
    const total = [...(await daily(t.store, byName.get('m_e'))).values()].reduce((a, b) => a + b, 0);
    expect(total / 1000).toBeCloseTo(19_475.939, 3);
  });

  it('Green Button: daily totals equal the interval values x 10^powerOfTenMultiplier per local day', async () => {
    for (const [name, path] of [
      ['gb', GB_HOURLY],
      ['gas', GB_GAS],
    ] as const) {
      const xml = await readFile(path, 'utf8');
      const pow10 = Number(/<(?:\w+:)?powerOfTenMultiplier>(-?\d+)</.exec(xml)?.[1] ?? '0');
      const { byName, timeZone } = await channelsOf(t.store, imports[name] ?? []);
      expect(byName.size, name).toBe(1);
      const ref = new Map<string, number>();
      const re = /<(?:\w+:)?IntervalReading>[\s\S]*?<(?:\w+:)?start>(\d+)<[\s\S]*?<(?:\w+:)?value>(-?\d+)</g;
      let n = 0;
      for (const m of xml.matchAll(re)) {
        const day = localDate(Number(m[1]) * 1000, timeZone);
        ref.set(day, (ref.get(day) ?? 0) + Number(m[2]) * 10 ** pow10);
        n++;
      }
      expect(n, name).toBeGreaterThanOrEqual(name === 'gb' ? 8000 : 5);
      const got = await daily(t.store, [...byName.values()][0]);
      expect(got.size, name).toBe(ref.size);
      for (const [day, v] of ref) expect(got.get(day), `${name} ${day}`).toBeCloseTo(v, 6);
    }
  });

  it('REDD house 1 mains: daily energy equals an independent integration with its own outage rule (default import)', async () => {
    const { byName } = await channelsOf(t.store, imports['redd'] ?? []);
    const lines = (await readFile(REDD, 'utf8')).trim().split('\n').slice(1);
    // May 2011 in Boston is EDT (UTC-4); the file's local times are read with that fixed offset.
    const ts = lines.map((l) => Date.parse(`${l.slice(0, 10)}T${l.slice(11, 19)}-04:00`));
    // The importer names the two legs after the file's columns ("1 mains" -> mains_1).
    const legs = [...byName.keys()].sort();
    expect(legs).toHaveLength(2);
    for (const [col, name] of [
      [1, legs[0] as string],
      [2, legs[1] as string],
    ] as const) {
      const id = byName.get(name) as string;
      const w = lines.map((l) => Number(l.split(',')[col]));
      // E = sum of P(t_i) x (t_(i+1) - t_i) over every step shorter than a minute: an outage rule of its
      // own, not the store's gap rule. The logger's jitter (3-13 s steps) is integrated, its one 166 s
      // outage is not. Trapezoids over the same steps agree within 0.05 % (a check of the formula).
      let wh = 0;
      let trapezoid = 0;
      for (let i = 0; i + 1 < ts.length; i++) {
        const dt = (ts[i + 1] as number) - (ts[i] as number);
        if (dt > 60_000) continue;
        wh += ((w[i] as number) * dt) / 3_600_000;
        trapezoid += ((((w[i] as number) + (w[i + 1] as number)) / 2) * dt) / 3_600_000;
      }
      const got = (await daily(t.store, id)).get('2011-05-01') ?? NaN;
      expect(Math.abs(got - wh) / wh, name).toBeLessThan(1e-9);
      expect(Math.abs(got - trapezoid) / trapezoid, name).toBeLessThan(0.0005);
      expect(wh).toBeGreaterThan(1000);
    }
  });
});
