/**
 * Everything the simulator writes imports back: registrations, the Parquet folder, the long CSV and
 * the UtilityAPI CSV and JSON land every meter, with its readings, in the facility (and zip code) the simulator gave it,
 * in either order, on both stores.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Meter } from '../domain/types.ts';
import { createFleet, type Fleet } from '../sim/fleet.ts';
import { writeFleetFiles } from '../sim/output/files.ts';
import { generateReadings } from '../sim/readings.ts';
import { STORE_FACTORIES, type TestStore } from '../store/contract/factories.ts';
import type { Store } from '../store/store.ts';
import { importFile } from './import-file.ts';
import type { ImportSummary } from './types.ts';

const FROM = Date.UTC(2024, 0, 15);
const TO = FROM + 86_400_000;

/** Per simulated meter: readings and their sum over all its channels. */
type Totals = Map<string, { n: number; sum: number }>;

async function simTotals(fleet: Fleet): Promise<Totals> {
  const t: Totals = new Map(fleet.meters.map((m) => [m.id, { n: 0, sum: 0 }]));
  for await (const b of generateReadings(fleet, { from: FROM, to: TO })) {
    for (let i = 0; i < b.length; i++) {
      const k = b.channel[i] as number;
      const e = t.get(fleet.channels[k]!.meterId)!;
      e.n++;
      e.sum += b.value[i] as number;
    }
  }
  return t;
}

/** The organisation's meter of each simulated meter (by utility service id). */
async function storedMeters(store: Store, org: string, fleet: Fleet): Promise<Map<string, Meter>> {
  const facilities = new Set((await store.catalog.listFacilities({ orgId: org })).map((f) => f.id));
  const mine = (await store.catalog.listMeters()).filter((m) => facilities.has(m.facilityId));
  const out = new Map<string, Meter>();
  for (const m of fleet.meters) {
    const found = mine.filter((x) => x.serviceId === m.serviceId);
    expect(found, `meter ${m.id}`).toHaveLength(1);
    out.set(m.id, found[0]!);
  }
  return out;
}

/** Checks facility grouping, zip codes and per-meter readings against the simulator's truth. */
async function expectRoundTrip(
  store: Store,
  org: string,
  fleet: Fleet,
  truth: Totals,
  opts: { names: boolean; powerHouses: boolean },
): Promise<void> {
  const meters = await storedMeters(store, org, fleet);
  const simToStored = new Map<string, string>();
  for (const m of fleet.meters) {
    const got = meters.get(m.id)!;
    const simFacility = fleet.facilities.find((f) => f.id === m.facilityId)!;
    // Same grouping: one stored facility per simulated facility, and never shared by two.
    const had = simToStored.get(simFacility.id);
    expect(had ?? got.facilityId, `facility of ${m.id}`).toBe(got.facilityId);
    simToStored.set(simFacility.id, got.facilityId);
    expect(got.serviceType).toBe(m.serviceType);
    expect(got.utilityMeterNumber).toBe(m.utilityMeterNumber);
    const f = (await store.catalog.getFacility(got.facilityId))!;
    expect(f.orgId).toBe(org);
    expect(f.zip, `zip of ${simFacility.id}`).toBe(simFacility.zip);
    if (opts.names) expect(f.name).toBe(simFacility.name);
    if (opts.names) expect(f.kind).toBe(simFacility.kind);
    const channels = await store.catalog.listChannels({ meterId: got.id });
    const sim = fleet.channels.filter((c) => c.meterId === m.id);
    const isHouse = sim.some((c) => c.measurement === 'power');
    if (isHouse && !opts.powerHouses) continue;
    expect(channels.map((c) => c.unit).sort()).toEqual(sim.map((c) => c.unit).sort());
    let n = 0;
    let sum = 0;
    for (const c of channels)
      for (const r of await store.readings.read(c.id, FROM, TO)) {
        n++;
        sum += r.value;
      }
    const want = truth.get(m.id)!;
    expect(n, `readings of ${m.id}`).toBe(want.n);
    // UtilityAPI rounds electricity to 0.1 Wh per interval; the long CSV is exact.
    expect(Math.abs(sum - want.sum), `energy of ${m.id}: ${sum} vs ${want.sum}`).toBeLessThan(
      0.05 * n + 1e-6,
    );
  }
  expect(new Set(simToStored.values()).size).toBe(fleet.facilities.length);
}

describe.each(STORE_FACTORIES)('simulator output imports back ($kind)', (factory) => {
  // A fresh database per case: facility ids are global, and each case starts from nothing.
  let t: TestStore | undefined;
  let dir: string;
  let fleet: Fleet;
  let truth: Totals;
  const run = (file: string, org: string): Promise<ImportSummary> =>
    importFile(t!.store, { path: join(dir, file), org, quarantineDir: join(dir, 'q') });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loadscope-sim-roundtrip-'));
    fleet = createFleet({ seed: 11, meters: 30, applianceShare: 0.15, gasShare: 0.4, waterShare: 0.3 });
    await writeFleetFiles(fleet, {
      dir,
      from: FROM,
      to: TO,
      formats: ['csv', 'utilityapi-csv', 'utilityapi-json', 'parquet'],
      parquetThreads: 1,
    });
    truth = await simTotals(fleet);
    expect(fleet.meters.some((m) => m.serviceType === 'gas')).toBe(true);
    expect(fleet.meters.some((m) => m.serviceType === 'water')).toBe(true);
  }, 60_000);
  beforeEach(async () => {
    t = await factory.open();
  });
  afterEach(async () => {
    await t?.destroy();
    t = undefined;
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('registrations, Parquet, long CSV, UtilityAPI CSV and JSON: right facilities, zips and readings', async () => {
    const reg = await run('registrations.csv', 'alpha');
    expect(reg.format).toBe('registrations');
    expect(reg.rejected).toBe(0);
    expect(reg.facilities).toHaveLength(fleet.facilities.length);
    // The Parquet folder alone brings every reading, power houses included, into the registered facilities.
    const pq = await run('parquet', 'alpha');
    expect(pq).toMatchObject({ format: 'parquet', rejected: 0 });
    expect(pq.stored).toBe([...truth.values()].reduce((a, x) => a + x.n, 0));
    await expectRoundTrip(t!.store, 'alpha', fleet, truth, { names: true, powerHouses: true });
    const long = await run('readings.csv', 'alpha');
    expect(long.rejected).toBe(0);
    expect(long.stored).toBe(0);
    // The long CSV knows no service ids: the registered ones and the service types stay.
    const registered = await storedMeters(t!.store, 'alpha', fleet);
    for (const m of fleet.meters) expect(registered.get(m.id)!.serviceType).toBe(m.serviceType);
    for (const file of ['utilityapi.csv', 'utilityapi.json']) {
      const s = await run(file, 'alpha');
      expect(s.rejected, file).toBe(0);
      expect(s.readings).toBe(s.rows);
      // Every interval already came with the long CSV, onto the same channels.
      expect(s.stored, file).toBe(0);
      expect(s.duplicates, file).toBe(s.readings);
    }
    await expectRoundTrip(t!.store, 'alpha', fleet, truth, { names: true, powerHouses: true });
  }, 60_000);

  it('UtilityAPI JSON first (one facility per service address), then CSV and registrations', async () => {
    const json = await run('utilityapi.json', 'beta');
    expect(json.rejected).toBe(0);
    expect(json.readings).toBeGreaterThan(0);
    expect(json.facilities!.length).toBeGreaterThan(1);
    // Named and kinded from the file: the address, the tariff's kind, the service and meter number.
    for (const m of fleet.meters) {
      const sim = fleet.channels.find((c) => c.meterId === m.id)!;
      if (sim.measurement !== 'interval') continue;
      const [stored] = (await t!.store.catalog.listMeters()).filter((x) => x.serviceId === m.serviceId);
      const f = (await t!.store.catalog.getFacility(stored!.facilityId))!;
      const simFacility = fleet.facilities.find((x) => x.id === m.facilityId)!;
      expect(f.name).toBe(simFacility.address);
      if (m.serviceType !== 'water') expect(f.kind, f.name).toBe(simFacility.kind);
      const [channel] = await t!.store.catalog.listChannels({ meterId: stored!.id });
      const service = m.serviceType[0]!.toUpperCase() + m.serviceType.slice(1);
      expect(channel!.name).toBe(`${service}, meter ${m.utilityMeterNumber}`);
    }
    const csv = await run('utilityapi.csv', 'beta');
    expect({ stored: csv.stored, rejected: csv.rejected }).toEqual({ stored: 0, rejected: 0 });
    const reg = await run('registrations.csv', 'beta');
    expect(reg.rejected).toBe(0);
    // Appliance-level houses are not UtilityAPI data: their facilities come with the registrations.
    await expectRoundTrip(t!.store, 'beta', fleet, truth, { names: true, powerHouses: false });
  }, 60_000);
});
