/**
 * The simulator's solar homes, written as files, imported, rolled up by the batch layer and served by
 * GET /facilities/:id/solar, give back the PV generation, grid import and export, self-consumption
 * and self-sufficiency the simulator kept as truth. Tolerance: 0.1 % of each figure (the meters'
 * readings are the truth rounded to 0.1 Wh per 5 minutes; nothing else may differ).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type World, login, openWorld, worldServer } from '../api/test-world.ts';
import { runBatch } from '../batch/run-batch.ts';
import { priceMeters } from '../cost/price-meters.ts';
import { importFile } from '../ingest/import-file.ts';
import { createFleet } from '../sim/fleet.ts';
import { writeFleetFiles } from '../sim/output/files.ts';
import { type SolarTotals, solarTotalsBetween } from '../sim/truth.ts';
import type { FlowFigures } from './flows.ts';

// Two weeks in June and one in December, New York: long and short days, sunny and grey.
const RANGES = [
  { from: Date.UTC(2024, 5, 3), to: Date.UTC(2024, 5, 17) },
  { from: Date.UTC(2024, 11, 2), to: Date.UTC(2024, 11, 9) },
];
const TOLERANCE = 0.001;
/** USD per kWh imported, and earned per kWh exported. */
const PRICE = 0.2;
const EXPORT_PRICE = 0.05;

interface SolarAnswer {
  cost: { totals: { currency: string; importCost: number; exportCredit: number; net: number } } | null;
  metered: { grid: boolean; export: boolean; pv: boolean; battery: boolean };
  totals: FlowFigures;
  buckets: ({ label: string } & FlowFigures)[];
}

describe('solar round trip: simulate -> import -> batch -> API', () => {
  let w: World;
  let app: FastifyInstance;
  let cookie: string;
  let dir: string;
  const fleet = createFleet({
    seed: 16,
    meters: 14,
    pvShare: 0.7,
    batteryShare: 0.5,
    applianceShare: 0,
    businessShare: 0,
    gasShare: 0,
    waterShare: 0,
    heavyShare: 0,
  });
  /** Stored facility id per simulated facility id. */
  const stored = new Map<string, string>();

  beforeAll(async () => {
    w = await openWorld();
    dir = await mkdtemp(join(tmpdir(), 'ls-solar-'));
    for (const [i, r] of RANGES.entries()) {
      const out = join(dir, String(i));
      await writeFleetFiles(fleet, { dir: out, ...r, formats: ['csv'], parquetThreads: 1 });
      for (const file of ['registrations.csv', 'readings.csv']) {
        const s = await importFile(w.store, {
          path: join(out, file),
          org: w.a.orgId,
          quarantineDir: join(dir, 'q'),
        });
        expect(s.rejected, file).toBe(0);
      }
    }
    // Flat prices with a feed-in credit under the simulator's residential tariff names.
    await w.store.tariffs.putTariffs(
      ['SC1 Residential', 'SC1 Residential TOU'].map((name) => ({
        orgId: w.a.orgId,
        name,
        commodity: 'electricity' as const,
        validFrom: '2024-01-01',
        validTo: null,
        definition: {
          name,
          commodity: 'electricity',
          currency: 'USD',
          validFrom: '2024-01-01',
          energy: { kind: 'flat', rate: PRICE },
          exportRate: EXPORT_PRICE,
          // The imported meters carry no tariff name (registrations and long CSV have none).
          default: name === 'SC1 Residential',
        },
        importedAt: 1,
      })),
    );
    await runBatch(
      {
        rollups: w.store.rollups,
        changes: w.store.readings,
        now: () => Date.now(),
        costs: (scope) => priceMeters(w.store, scope),
      },
      { full: true },
    );
    const meters = await w.store.catalog.listMeters();
    for (const m of fleet.meters) {
      const got = meters.find((x) => x.serviceId === m.serviceId)!;
      stored.set(m.facilityId, got.facilityId);
    }
    app = await worldServer(w);
    cookie = (await login(app, w.a.users.analyst.email)).cookie;
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await w?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const solar = async (
    facilityId: string,
    from: number,
    to: number,
    period = 'day',
  ): Promise<SolarAnswer> => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/v1/facilities/${stored.get(facilityId)}/solar?period=${period}&from=${from}&to=${to}`,
      headers: { cookie },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<SolarAnswer>();
  };
  let worst = 0;
  const close = (got: number, want: number, what: string) => {
    if (want !== 0) worst = Math.max(worst, Math.abs(got - want) / Math.abs(want));
    expect(Math.abs(got - want), `${what}: ${got} vs ${want}`).toBeLessThanOrEqual(
      TOLERANCE * Math.abs(want) + 0.5,
    );
  };

  it('recovers PV, import, export, self-consumption and self-sufficiency of every solar home', async () => {
    const homes = fleet.truth.solarHomes;
    expect(homes.length).toBeGreaterThanOrEqual(4);
    expect(homes.some((h) => h.battery) && homes.some((h) => !h.battery)).toBe(true);
    const report: string[] = [];
    for (const r of RANGES) {
      for (const t of solarTotalsBetween(fleet, r.from, r.to)) {
        const got = await solar(t.facilityId, r.from, r.to);
        const home = homes.find((h) => h.meterId === t.meterId)!;
        expect(got.metered).toEqual({ grid: true, export: true, pv: true, battery: home.battery !== null });
        const g = got.totals;
        close(g.pv, t.pv, 'pv');
        close(g.gridImport, t.gridImport, 'import');
        close(g.gridExport, t.gridExport, 'export');
        close(g.consumption, t.load, 'consumption');
        close(g.selfConsumed, t.selfConsumed, 'self-consumed');
        close(g.batteryCharge, t.batteryCharge, 'charge');
        // Net cost, hand-computed from the truth: import x price less export x feed-in price.
        const want = {
          importCost: (t.gridImport / 1000) * PRICE,
          exportCredit: (t.gridExport / 1000) * EXPORT_PRICE,
        };
        expect(got.cost?.totals.currency).toBe('USD');
        close(got.cost!.totals.importCost, want.importCost, 'import cost');
        close(got.cost!.totals.exportCredit, want.exportCredit, 'export credit');
        close(got.cost!.totals.net, want.importCost - want.exportCredit, 'net cost');
        const truthSufficiency = trueSelfSufficiency(t);
        expect(Math.abs(g.selfConsumption! - t.selfConsumed / t.pv)).toBeLessThan(TOLERANCE);
        expect(Math.abs(g.selfSufficiency! - truthSufficiency)).toBeLessThan(TOLERANCE);
        report.push(
          `${new Date(r.from).toISOString().slice(0, 10)} ${t.meterId}${home.battery ? ' +battery' : ''}: ` +
            `pv ${(g.pv / 1000).toFixed(1)} kWh (truth ${(t.pv / 1000).toFixed(1)}), self-consumption ` +
            `${(100 * g.selfConsumption!).toFixed(1)} % (${((100 * t.selfConsumed) / t.pv).toFixed(1)}), ` +
            `self-sufficiency ${(100 * g.selfSufficiency!).toFixed(1)} % (${(100 * truthSufficiency).toFixed(1)}), ` +
            `net cost ${got.cost!.totals.net.toFixed(2)} USD (${(want.importCost - want.exportCredit).toFixed(2)})`,
        );
      }
    }
    console.log(
      `${report.join('\n')}\nlargest relative difference of any energy figure: ${worst.toExponential(2)}`,
    );
  });

  it('a home without PV has no solar figures, and a month adds up its days', async () => {
    const plain = fleet.facilities.find((f) => !fleet.truth.solarHomes.some((h) => h.facilityId === f.id))!;
    const got = await solar(plain.id, RANGES[0]!.from, RANGES[0]!.to);
    expect(got.metered).toEqual({ grid: true, export: false, pv: false, battery: false });
    expect(got.totals.pv).toBe(0);
    expect(got.cost?.totals.exportCredit).toBe(0);
    expect(got.cost!.totals.importCost).toBeGreaterThan(0);
    const home = fleet.truth.solarHomes[0]!;
    const { from, to } = RANGES[0]!;
    const days = await solar(home.facilityId, from, to, 'day');
    const month = await solar(home.facilityId, from, to, 'month');
    expect(month.buckets.map((b) => b.label)).toEqual(['2024-06']);
    close(
      month.totals.pv,
      days.buckets.reduce((s, b) => s + b.pv, 0),
      'month pv',
    );
  });
});

/**
 * Share of the load met on site: the load less what the grid supplied it. The simulated battery
 * charges only from PV, so every imported Wh went to the load.
 */
function trueSelfSufficiency(t: SolarTotals): number {
  return (t.load - t.gridImport) / t.load;
}
