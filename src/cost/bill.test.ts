/**
 * Bills checked against figures worked out by hand (in the comments), not by the code under test:
 * a flat month, a time-of-use month, a tiered month, a demand-charge month, the 23 h and 25 h days
 * of America/New_York, and tariffs that change in the middle of a month.
 */
import { describe, expect, it } from 'vitest';
import { computeBill, type MeterHour } from './bill.ts';
import { intensityLookup } from './intensity.ts';
import { tariffSchema, type Tariff } from './tariff.ts';

const noIntensity = intensityLookup([]);

/** A tariff from the fields a test sets (defaults: USD per kWh, valid from 2024-01-01). */
function tariff(t: Record<string, unknown>): Tariff {
  return tariffSchema.parse({
    name: 'T',
    commodity: 'electricity',
    currency: 'USD',
    validFrom: '2024-01-01',
    ...t,
  });
}

/** Every hour of June 2024 in UTC, `wh(i)` Wh in hour i (labels written out, not computed by the code under test). */
function june(wh: (i: number) => number): MeterHour[] {
  const out: MeterHour[] = [];
  for (let i = 0; i < 30 * 24; i++) {
    const day = String(1 + Math.floor(i / 24)).padStart(2, '0');
    const hour = String(i % 24).padStart(2, '0');
    out.push({
      start: Date.UTC(2024, 5, 1) + i * 3_600_000,
      label: `2024-06-${day}T${hour}`,
      energy: wh(i),
      meanPower: wh(i),
    });
  }
  return out;
}

const bill = (hours: MeterHour[], tariffs: Tariff[], timeZone = 'UTC') =>
  computeBill(hours, { tariffs, storedUnit: 'Wh', timeZone, intensity: noIntensity });

describe('bills computed by hand', () => {
  it('a flat month: 720 kWh at $0.25 plus 30 days at $0.50 = $195.00', () => {
    const b = bill(
      june(() => 1000),
      [tariff({ standingPerDay: 0.5, energy: { kind: 'flat', rate: 0.25 } })],
    );
    expect(b.months).toHaveLength(1);
    const m = b.months[0]!;
    expect(m.label).toBe('2024-06');
    expect(m.energy).toBeCloseTo(720, 9);
    expect(m.energyCost).toBeCloseTo(180, 9);
    expect(m.standing).toBeCloseTo(15, 9);
    expect(m.cost).toBeCloseTo(195, 9);
    expect(b.days).toHaveLength(30);
    expect(b.days[0]!.cost).toBeCloseTo(24 * 0.25 + 0.5, 9); // 6.50
    expect(b.hours[0]!.cost).toBeCloseTo(0.25, 9);
  });

  it('a time-of-use month: June 2024 has 20 weekdays; 320 peak kWh at $0.30 and 400 off-peak at $0.10 = $136.00', () => {
    const t = tariff({
      energy: {
        kind: 'tou',
        periods: [{ name: 'peak', from: 8, to: 24, days: 'weekdays', rate: 0.3 }],
        otherwise: 0.1,
      },
    });
    const b = bill(
      june(() => 1000),
      [t],
    );
    expect(b.months[0]!.cost).toBeCloseTo(136, 9);
    // Saturday 1 June: all off-peak, 24 x 0.10; Monday 3 June: 8 x 0.10 + 16 x 0.30 = 5.60.
    expect(b.days.find((d) => d.label === '2024-06-01')!.cost).toBeCloseTo(2.4, 9);
    expect(b.days.find((d) => d.label === '2024-06-03')!.cost).toBeCloseTo(5.6, 9);
    expect(b.hours.find((h) => h.label === '2024-06-03T08')!.rate).toBe(0.3);
  });

  it('a tiered month: 360 kWh, first 250 at $0.20 and 110 at $0.25 = $77.50', () => {
    const t = tariff({ energy: { kind: 'tiered', tiers: [{ upTo: 250, rate: 0.2 }, { rate: 0.25 }] } });
    const b = bill(
      june(() => 500),
      [t],
    );
    expect(b.months[0]!.energyCost).toBeCloseTo(77.5, 9);
    // Hour 499 ends at 250 kWh exactly: still the first block; hour 500 is the first in the second.
    expect(b.hours[499]!.cost).toBeCloseTo(0.1, 9);
    expect(b.hours[500]!.cost).toBeCloseTo(0.125, 9);
    expect(b.hours[500]!.rate).toBeCloseTo(0.25, 9);
  });

  it('a demand month: 724 kWh at $0.10 and a 5 kW peak hour at $15/kW = $147.40', () => {
    const t = tariff({ energy: { kind: 'flat', rate: 0.1 }, demand: { rate: 15 } });
    const b = bill(
      june((i) => (i === 100 ? 5000 : 1000)),
      [t],
    );
    const m = b.months[0]!;
    expect(m.energyCost).toBeCloseTo(72.4, 9);
    expect(m.demandKw).toBeCloseTo(5, 9);
    expect(m.demand).toBeCloseTo(75, 9);
    expect(m.cost).toBeCloseTo(147.4, 9);
  });

  it('a demand window: only weekday 12-18 counts, so the 5 kW hour at 04:00 does not, and 2 kW at 14:00 does', () => {
    const t = tariff({
      energy: { kind: 'flat', rate: 0 },
      demand: { rate: 10, window: { from: 12, to: 18, days: 'weekdays' } },
    });
    // Hour 4 is 1 June 04:00 (Saturday); hour 62 is 3 June 14:00 (Monday).
    const b = bill(
      june((i) => (i === 4 ? 5000 : i === 62 ? 2000 : 1000)),
      [t],
    );
    expect(b.months[0]!.demandKw).toBeCloseTo(2, 9);
    expect(b.months[0]!.demand).toBeCloseTo(20, 9);
  });

  it('a tariff that changes on 16 June: 360 kWh at $0.20 + 360 at $0.30, 15 days at $0.40 + 15 at $0.60 = $195.00', () => {
    const a = tariff({ validTo: '2024-06-16', standingPerDay: 0.4, energy: { kind: 'flat', rate: 0.2 } });
    const b2 = tariff({ validFrom: '2024-06-16', standingPerDay: 0.6, energy: { kind: 'flat', rate: 0.3 } });
    const b = bill(
      june(() => 1000),
      [b2, a],
    );
    const m = b.months[0]!;
    expect(m.energyCost).toBeCloseTo(72 + 108, 9);
    expect(m.standing).toBeCloseTo(6 + 9, 9);
    expect(m.cost).toBeCloseTo(195, 9);
    expect(b.days.find((d) => d.label === '2024-06-15')!.cost).toBeCloseTo(24 * 0.2 + 0.4, 9); // 5.20
    expect(b.days.find((d) => d.label === '2024-06-16')!.cost).toBeCloseTo(24 * 0.3 + 0.6, 9); // 7.80
  });

  it('tier blocks and demand are prorated when a version covers half the month', () => {
    // Before: blocks of 300 kWh become 150 kWh for 15 of 30 days; 360 kWh = 150 x 0.10 + 210 x 0.20 = 57.00.
    // After: flat 0.10 on 360 kWh = 36.00. Demand $10/kW on the first half only: 3 kW x 10 x 0.5 = 15.00.
    const a = tariff({
      validTo: '2024-06-16',
      energy: { kind: 'tiered', tiers: [{ upTo: 300, rate: 0.1 }, { rate: 0.2 }] },
      demand: { rate: 10 },
    });
    const b2 = tariff({ validFrom: '2024-06-16', energy: { kind: 'flat', rate: 0.1 } });
    const b = bill(
      june((i) => (i === 30 ? 3000 : 1000)),
      [a, b2],
    );
    const m = b.months[0]!;
    // The 3 kWh hour adds 2 kWh to the first half (in the upper block): 57.00 + 2 x 0.20 = 57.40.
    expect(m.energyCost).toBeCloseTo(57.4 + 36, 9);
    expect(m.demand).toBeCloseTo(15, 9);
  });

  it('hours on no valid version are left unpriced, with a warning that names the days', () => {
    const t = tariff({ validFrom: '2024-06-02', energy: { kind: 'flat', rate: 1 } });
    const b = bill(
      june(() => 1000),
      [t],
    );
    expect(b.months[0]!.energy).toBeCloseTo(696, 9);
    expect(b.warnings.join()).toMatch(/valid on 1 day\(s\) \(2024-06-01 to 2024-06-01\)/);
  });
});

describe('clock changes in America/New_York', () => {
  const tou = tariff({
    standingPerDay: 1,
    energy: { kind: 'tou', periods: [{ name: 'peak', from: 8, to: 24, rate: 0.3 }], otherwise: 0.1 },
  });
  /** Hours with local labels as a New Yorker's clock shows them, 1 kWh each. */
  const hoursOf = (startUtc: number, labels: string[]): MeterHour[] =>
    labels.map((label, i) => ({ start: startUtc + i * 3_600_000, label, energy: 1000, meanPower: 1000 }));

  it('10 March 2024 has 23 hours: 7 off-peak x 0.10 + 16 peak x 0.30 + $1 = $6.50', () => {
    const labels = [0, 1, ...Array.from({ length: 21 }, (_, i) => i + 3)].map(
      (h) => `2024-03-10T${String(h).padStart(2, '0')}`,
    );
    const b = bill(hoursOf(Date.UTC(2024, 2, 10, 5), labels), [tou], 'America/New_York');
    expect(b.days).toHaveLength(1);
    expect(b.days[0]!.start).toBe(Date.UTC(2024, 2, 10, 5)); // midnight EST
    expect(b.days[0]!.energy).toBeCloseTo(23, 9);
    expect(b.days[0]!.cost).toBeCloseTo(6.5, 9);
    expect(b.months[0]!.start).toBe(Date.UTC(2024, 2, 1, 5));
  });

  it('3 November 2024 has 25 hours (01 twice): 9 off-peak x 0.10 + 16 peak x 0.30 + $1 = $6.70', () => {
    const labels = [0, 1, 1, ...Array.from({ length: 22 }, (_, i) => i + 2)].map(
      (h) => `2024-11-03T${String(h).padStart(2, '0')}`,
    );
    const b = bill(hoursOf(Date.UTC(2024, 10, 3, 4), labels), [tou], 'America/New_York');
    expect(b.days[0]!.start).toBe(Date.UTC(2024, 10, 3, 4)); // midnight EDT
    expect(b.days[0]!.energy).toBeCloseTo(25, 9);
    expect(b.days[0]!.cost).toBeCloseTo(6.7, 9);
  });
});

describe('units and carbon', () => {
  it('prices gas read in m3 per ccf (100 ft3 = 2.8317 m3) and counts kg CO2 per unit', () => {
    const t = tariff({ commodity: 'gas', unit: 'ccf', energy: { kind: 'flat', rate: 2 }, co2PerUnit: 5.3 });
    const hours: MeterHour[] = [{ start: 0, label: '2024-06-01T00', energy: 2.8316846592, meanPower: null }];
    const b = computeBill(hours, { tariffs: [t], storedUnit: 'm3', timeZone: 'UTC', intensity: noIntensity });
    expect(b.hours[0]!.energy).toBeCloseTo(1, 9);
    expect(b.hours[0]!.cost).toBeCloseTo(2, 9);
    expect(b.hours[0]!.co2).toBeCloseTo(5.3, 9);
  });

  it('counts CO2 from the region profile of the local month and hour: 2 kWh x 300 g = 0.6 kg', () => {
    const t = tariff({ energy: { kind: 'flat', rate: 0 }, region: 'R' });
    const intensity = intensityLookup([
      { region: 'R', month: 0, hour: 5, gPerKwh: 100 },
      { region: 'R', month: 6, hour: 5, gPerKwh: 300 },
    ]);
    const hours: MeterHour[] = [{ start: 0, label: '2024-06-03T05', energy: 2000, meanPower: null }];
    const b = computeBill(hours, { tariffs: [t], storedUnit: 'Wh', timeZone: 'UTC', intensity });
    expect(b.hours[0]!.co2).toBeCloseTo(0.6, 9);
  });

  it('does not price a volume per therm', () => {
    const t = tariff({ commodity: 'gas', unit: 'therm', energy: { kind: 'flat', rate: 1 } });
    const b = computeBill([{ start: 0, label: '2024-06-01T00', energy: 1, meanPower: null }], {
      tariffs: [t],
      storedUnit: 'm3',
      timeZone: 'UTC',
      intensity: noIntensity,
    });
    expect(b.hours).toEqual([]);
    expect(b.warnings[0]).toMatch(/m3 cannot be priced per therm/);
  });
});
