import { describe, expect, it } from 'vitest';
import { scoreAppliances } from './metrics.ts';

describe('NILMTK metrics', () => {
  // One hour at 15 min: truth 0, 100, 100, 0 W; prediction 0, 50, 100, 20 W.
  const truth = { a: Float64Array.from([0, 100, 100, 0]), b: Float64Array.from([100, 100, 100, 100]) };
  const pred = { a: Float64Array.from([0, 50, 100, 20]), b: Float64Array.from([100, 100, 100, 100]) };
  const mains = Float64Array.from([200, 200, 200, 200]);
  const s = scoreAppliances(truth, pred, mains, 900_000);

  it('computes MAE, RMSE, NDE and energy error by hand', () => {
    expect(s['a']!.mae).toBeCloseTo(70 / 4, 9);
    expect(s['a']!.rmse).toBeCloseTo(Math.sqrt((2500 + 400) / 4), 9);
    expect(s['a']!.nde).toBeCloseTo(Math.sqrt(2900 / 20000), 9);
    // 200 Wh true vs 170 Wh predicted over the hour -> 0.0075 kWh.
    expect(s['a']!.eae).toBeCloseTo((30 * 0.25) / 1000, 9);
  });

  it('computes the on/off F1 at the 10 W threshold', () => {
    // on truth: samples 1,2; on predicted: 1,2,3 -> tp 2, fp 1 -> F1 = 4/5.
    expect(s['a']!.f1).toBeCloseTo(0.8, 9);
    expect(s['b']!.f1).toBe(1);
  });

  it('splits the fraction of energy assigned correctly over appliances', () => {
    const totT = 200 + 400;
    const totP = 170 + 400;
    expect(s['a']!.feac).toBeCloseTo(Math.min(170 / totP, 200 / totT), 9);
    expect(s['a']!.feac + s['b']!.feac).toBeCloseTo(
      Math.min(170 / totP, 200 / totT) + Math.min(400 / totP, 400 / totT),
      9,
    );
  });

  it('skips samples with missing mains or truth and counts them', () => {
    const m = Float64Array.from([200, NaN, 200, 200]);
    const r = scoreAppliances(
      { a: Float64Array.from([0, 100, NaN, 0]) },
      { a: Float64Array.from([0, 0, 0, 0]) },
      m,
      900_000,
    );
    expect(r['a']!.scored).toBe(2);
    expect(r['a']!.skipped).toBe(2);
    expect(r['a']!.mae).toBe(0);
  });
});
