import { describe, expect, it } from 'vitest';
import { detectEdges, paintSegment, pairSegments } from './edges.ts';
import { pairSegmentsCombined } from './pairing.ts';
import { featureRows, segmentFeatures } from './segment-features.ts';

const opts = { noise: 30, minEdge: 200, maxDuration: 50, ratio: [0.6, 1.6] as const };
const spans = (x: Float64Array): number[][] =>
  pairSegmentsCombined(x, detectEdges(x, opts), opts).map((s) => [s.start, s.end, Math.round(s.power)]);

describe('pairing that splits shared edges', () => {
  it('splits one rise between two loads that switch off apart (kettle and microwave on together)', () => {
    // base 400; kettle 2800 + microwave 1400 on at 2; kettle off at 5, microwave off at 8.
    const x = Float64Array.from([400, 400, 4600, 4600, 4600, 1800, 1800, 1800, 400, 400]);
    // The one-to-one pairing takes the rise with the kettle's fall (ratio 0.67) and loses the microwave.
    expect(pairSegments(x, detectEdges(x, opts), opts).map((s) => [s.start, s.end, s.power])).toEqual([
      [2, 5, 4200],
    ]);
    expect(spans(x)).toEqual([
      [2, 5, 2800],
      [2, 8, 1400],
    ]);
    const [kettle, microwave] = pairSegmentsCombined(x, detectEdges(x, opts), opts);
    const k = new Float64Array(x.length);
    const m = new Float64Array(x.length);
    paintSegment(x, kettle!, k);
    paintSegment(x, microwave!, m);
    expect(Array.from(k)).toEqual([0, 0, 2800, 2800, 2800, 0, 0, 0, 0, 0]);
    expect(Array.from(m)).toEqual([0, 0, 1400, 1400, 1400, 1400, 1400, 1400, 0, 0]);
  });

  it('joins two rises with the one fall that switches both off', () => {
    // 1 kW on at 2, 2 kW on at 4, both off at 7.
    const x = Float64Array.from([300, 300, 1300, 1300, 3300, 3300, 3300, 300, 300]);
    expect(spans(x)).toEqual([
      [2, 7, 1000],
      [4, 7, 2000],
    ]);
  });

  it('prefers the fall of the same size to a looser match', () => {
    // 2 kW from 2 to 4 and again from 6 to 8: each rise with its own fall.
    const x = Float64Array.from([100, 100, 2100, 2100, 100, 100, 2100, 2100, 100, 100]);
    expect(spans(x)).toEqual([
      [2, 4, 2000],
      [6, 8, 2000],
    ]);
  });

  it('does not pair across a stretch where the load was plainly off', () => {
    // A 2 kW rise, the mains back at base, then an unrelated 2 kW fall from a load that started in a gap.
    const x = Float64Array.from([100, 100, 2100, 2100, 150, 150, NaN, 2100, 100]);
    const e = detectEdges(x, opts);
    expect(pairSegmentsCombined(x, e, opts).every((s) => s.end <= 5)).toBe(true);
  });

  it('leaves the shape of a load that never ran alone unobserved (NaN), not made up', () => {
    const x = Float64Array.from([400, 400, 4600, 4600, 4600, 1800, 1800, 1800, 400, 400]);
    const [kettle, microwave] = pairSegmentsCombined(x, detectEdges(x, opts), opts);
    const fk = segmentFeatures(x, kettle!, 30_000);
    const fm = segmentFeatures(x, microwave!, 30_000);
    expect(Number.isNaN(fk[3]!)).toBe(true);
    expect(fm[3]).toBe(0); // the microwave ran alone from 5 to 8, flat
    expect(fm[0]).toBeCloseTo(Math.log(1400));
  });
});

describe('programme context of long loads', () => {
  it('counts loads like a long one within two hours, and leaves short loads without', () => {
    const period = 60_000;
    const seg = (start: number, minutes: number, power: number) => ({
      start,
      end: start + minutes,
      power,
      offPower: power,
      base: 100,
    });
    // A dishwasher heating twice 40 min apart, a kettle in between, a washing machine heating once 5 h later.
    const segments = [seg(0, 15, 2000), seg(20, 3, 2000), seg(55, 12, 2100), seg(360, 15, 2050)];
    const x = new Float64Array(400).fill(100);
    const rows = featureRows(x, segments, period);
    expect(rows.map((r) => r[r.length - 1])).toEqual([Math.log(2), NaN, Math.log(2), 0]);
  });
});
