import { describe, expect, it } from 'vitest';
import { createFleet } from '../fleet.ts';
import { generateReadings } from '../readings.ts';
import { solarDayOf } from '../render.ts';
import { solarTotalsBetween } from '../truth.ts';
import { allocFlows, settle } from './battery.ts';
import { DAY_MS } from './calendar.ts';
import { pvPowerAt } from './pv.ts';
import { sunVector } from './sun.ts';

const NYC_SITE = { latitude: 40.78, longitude: -73.97, seed: 1 };
const DEG = 180 / Math.PI;

describe('sun', () => {
  it('stands 72.7 degrees high at New York solar noon on the June solstice, and below the horizon at midnight', () => {
    // Solar noon at -73.97 E is about 16:56 UTC in late June (equation of time -2 min).
    let best = -1;
    for (let t = Date.UTC(2024, 5, 20, 16); t < Date.UTC(2024, 5, 20, 18); t += 60_000)
      best = Math.max(best, sunVector(t, 40.78, -73.97).up);
    expect(Math.asin(best) * DEG).toBeCloseTo(90 - 40.78 + 23.44, 0);
    expect(sunVector(Date.UTC(2024, 5, 21, 4, 56), 40.78, -73.97).up).toBeLessThan(0);
  });

  it('rises in the east in the morning and sets in the west', () => {
    expect(sunVector(Date.UTC(2024, 2, 20, 12), 40.78, -73.97).east).toBeGreaterThan(0);
    expect(sunVector(Date.UTC(2024, 2, 20, 22), 40.78, -73.97).east).toBeLessThan(0);
  });
});

describe('pv array', () => {
  const array = { peakW: 1000, tiltDeg: 30, azimuthDeg: 180, inverterW: 1000 };
  const yearKwh = (pv: typeof array, site = NYC_SITE): number => {
    let wh = 0;
    for (let t = Date.UTC(2023, 0, 1); t < Date.UTC(2024, 0, 1); t += 300_000)
      wh += pvPowerAt(pv, site, t + 150_000, 12) / 12;
    return wh / 1000;
  };

  it('yields 1,000-1,450 kWh per kWp a year facing south in New York (PVWatts: about 1,300)', () => {
    const y = yearKwh(array);
    expect(y).toBeGreaterThan(1000);
    expect(y).toBeLessThan(1450);
    // A north-facing roof yields less, a flat one in between.
    expect(yearKwh({ ...array, azimuthDeg: 0 })).toBeLessThan(yearKwh({ ...array, tiltDeg: 0 }));
    expect(yearKwh({ ...array, tiltDeg: 0 })).toBeLessThan(y);
  });

  it('never exceeds its inverter and gives nothing at night', () => {
    const small = { ...array, inverterW: 500 };
    for (let t = Date.UTC(2024, 5, 1); t < Date.UTC(2024, 5, 8); t += 600_000)
      expect(pvPowerAt(small, NYC_SITE, t, 20)).toBeLessThanOrEqual(500);
    expect(pvPowerAt(array, NYC_SITE, Date.UTC(2024, 5, 1, 6), 20)).toBe(0);
  });
});

describe('battery', () => {
  const battery = { capacityWh: 5000, powerW: 3000, roundTrip: 0.9, minSoc: 0.1, maxSoc: 1 };
  const stepMs = 300_000;
  // Two days: a sunny noon surplus, an evening load.
  const n = 576;
  const load = Float64Array.from({ length: n }, (_, i) => (i % 288 > 204 ? 150 : 40));
  const pv = Float64Array.from({ length: n }, (_, i) => {
    const h = ((i % 288) / 288) * 24;
    return h > 6 && h < 18 ? Math.round(350 * Math.sin(((h - 6) / 12) * Math.PI) * 10) / 10 : 0;
  });

  it('balances every step exactly, stays in its window and keeps its power limit', () => {
    const f = allocFlows(n);
    settle(load, pv, battery, stepMs, 0.1, f);
    for (let i = 0; i < n; i++) {
      const lhs = Math.round(((load[i] as number) - (pv[i] as number)) * 10);
      const rhs = Math.round(
        ((f.gridImport[i] as number) -
          (f.gridExport[i] as number) +
          (f.discharge[i] as number) -
          (f.charge[i] as number)) *
          10,
      );
      expect(rhs, `step ${i}`).toBe(lhs);
      expect(f.soc[i]).toBeGreaterThanOrEqual(0.1 - 1e-9);
      expect(f.soc[i]).toBeLessThanOrEqual(1 + 1e-9);
      expect(f.charge[i]).toBeLessThanOrEqual(250);
      expect(f.discharge[i]).toBeLessThanOrEqual(250);
      // Charges only from surplus, discharges only into a shortfall, never both ways at once.
      if ((f.charge[i] as number) > 0) expect(pv[i]).toBeGreaterThan(load[i] as number);
      if ((f.discharge[i] as number) > 0) expect(load[i]).toBeGreaterThan(pv[i] as number);
      expect((f.gridImport[i] as number) * (f.gridExport[i] as number)).toBe(0);
    }
  });

  it('loses its round-trip efficiency: what comes out is at most 90 % of what went in, plus the start', () => {
    const f = allocFlows(n);
    const end = settle(load, pv, battery, stepMs, 0.1, f);
    const charged = f.charge.reduce((a, b) => a + b, 0);
    const discharged = f.discharge.reduce((a, b) => a + b, 0);
    expect(charged).toBeGreaterThan(1000);
    // Stored energy: start + charge x sqrt(0.9) - discharge / sqrt(0.9) = end.
    const ef = Math.sqrt(0.9);
    expect(500 + charged * ef - discharged / ef).toBeCloseTo(end * 5000, 0);
  });
});

describe('solar homes in a fleet', () => {
  it('leaves a fleet without PV exactly as it was', () => {
    const a = createFleet({ seed: 3, meters: 40 });
    const b = createFleet({ seed: 3, meters: 40, pvShare: 0 });
    expect(b.channels).toEqual(a.channels);
    expect(b.truth.solarHomes).toEqual([]);
  });

  it('gives PV homes import, export and PV channels (and battery channels) whose readings are the truth', async () => {
    const fleet = createFleet({ seed: 5, meters: 30, pvShare: 1, batteryShare: 0.5, applianceShare: 0 });
    const homes = fleet.truth.solarHomes;
    expect(homes.length).toBeGreaterThan(5);
    expect(homes.some((h) => h.battery) && homes.some((h) => !h.battery)).toBe(true);
    const from = Date.UTC(2024, 5, 10, 7);
    const to = Date.UTC(2024, 5, 12, 3);
    const sums = new Map<string, number>();
    for await (const b of generateReadings(fleet, { from, to }))
      for (let i = 0; i < b.length; i++) {
        const id = b.channelIds[b.channel[i] as number] as string;
        sums.set(id, (sums.get(id) ?? 0) + (b.value[i] as number));
      }
    const truth = solarTotalsBetween(fleet, from, to);
    for (const t of truth) {
      const home = homes.find((h) => h.meterId === t.meterId)!;
      expect(sums.get(`${t.meterId}.grid_import`)).toBeCloseTo(t.gridImport, 3);
      expect(sums.get(`${t.meterId}.grid_export`)).toBeCloseTo(t.gridExport, 3);
      expect(sums.get(`${t.meterId}.pv`)).toBeCloseTo(t.pv, 3);
      expect(t.pv).toBeGreaterThan(0);
      if (home.battery) expect(sums.get(`${t.meterId}.battery_charge`)).toBeCloseTo(t.batteryCharge, 3);
      else expect(sums.has(`${t.meterId}.battery_charge`)).toBe(false);
      expect(t.load - t.pv).toBeCloseTo(
        t.gridImport - t.gridExport + t.batteryDischarge - t.batteryCharge,
        3,
      );
    }
  });

  it('renders a day the same alone as inside a longer run (the battery warm-up is per day)', () => {
    const fleet = createFleet({ seed: 5, meters: 30, pvShare: 1, batteryShare: 1, applianceShare: 0 });
    const m = fleet.sim.find((s) => s.model.kind === 'interval' && s.model.solar)!;
    const day = Date.UTC(2024, 3, 2) / DAY_MS;
    expect(solarDayOf(fleet, m, day).flows.soc).toEqual(solarDayOf(fleet, m, day).flows.soc);
    const createdAgain = createFleet({ seed: 5, meters: 30, pvShare: 1, batteryShare: 1, applianceShare: 0 });
    const m2 = createdAgain.sim[m.index]!;
    expect(solarDayOf(createdAgain, m2, day).flows.gridExport).toEqual(
      solarDayOf(fleet, m, day).flows.gridExport,
    );
  });
});
