import { describe, expect, it } from 'vitest';
import { niceTicks } from './axis.ts';
import { fmtEnergy } from './format.ts';

describe('niceTicks', () => {
  it('keeps round steps of 1, 2 or 5 for ordinary values', () => {
    expect(niceTicks(3400, String)).toEqual({ top: 4000, ticks: [0, 1000, 2000, 3000, 4000] });
    expect(niceTicks(17, String)).toEqual({ top: 20, ticks: [0, 5, 10, 15, 20] });
  });

  it('coarsens the steps until no two labels read the same', () => {
    // 0.9 Wh with steps of 0.25 would print "0 Wh, 0 Wh, 1 Wh, 1 Wh".
    const { ticks } = niceTicks(0.9, (v) => fmtEnergy(v));
    expect(ticks.map((v) => fmtEnergy(v))).toEqual(['0 Wh', '1 Wh']);
    // 1.06 kWh with 0.5 kWh steps prints distinctly, with 0.25 kWh it would not ("0.3 kWh", "0.5 kWh" ...).
    const labels = niceTicks(1060, (v) => fmtEnergy(v)).ticks.map((v) => fmtEnergy(v));
    expect(new Set(labels).size).toBe(labels.length);
  });

  it('gives an axis for an empty or non-finite maximum', () => {
    expect(niceTicks(0, String).ticks.length).toBeGreaterThan(1);
    expect(niceTicks(Number.NaN, String).top).toBeGreaterThan(0);
  });
});
