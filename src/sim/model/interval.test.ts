import { describe, expect, it } from 'vitest';
import { createFleet } from '../fleet.ts';
import { generateReadings } from '../readings.ts';

describe('interval households (seed 002)', () => {
  it('stay in 0..200 Wh per 5 minutes, average about 901 kWh a month and never exceed 1,273', async () => {
    const fleet = createFleet({
      seed: 11,
      meters: 100,
      businessShare: 0,
      gasShare: 0,
      waterShare: 0,
      applianceShare: 0,
      unusualShare: 0,
      heavyShare: 0,
    });
    const from = Date.UTC(2023, 0, 1);
    const to = Date.UTC(2024, 0, 1);
    // kWh per meter per month.
    const monthly = new Float64Array(100 * 12);
    let min = Infinity;
    let max = -Infinity;
    let count = 0;
    for await (const b of generateReadings(fleet, { from, to })) {
      for (let i = 0; i < b.length; i++) {
        const v = b.value[i] as number;
        if (v < min) min = v;
        if (v > max) max = v;
        const month = new Date(b.ts[i] as number).getUTCMonth();
        const k = (b.channel[i] as number) * 12 + month;
        monthly[k] = (monthly[k] as number) + v / 1000;
      }
      count += b.length;
    }
    expect(count).toBe(100 * 365 * 288);
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThanOrEqual(200);
    // Normalise months to 30.44 days so that February is comparable.
    const days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let sum = 0;
    let top = 0;
    for (let k = 0; k < monthly.length; k++) {
      const v = (monthly[k] as number) * (365.25 / 12 / (days[k % 12] as number));
      sum += v;
      top = Math.max(top, v);
    }
    const mean = sum / monthly.length;
    expect(mean).toBeGreaterThan(901 * 0.97);
    expect(mean).toBeLessThan(901 * 1.03);
    expect(top).toBeLessThanOrEqual(1273);
    expect(top).toBeGreaterThan(1100);
  });
});
