import { describe, expect, it } from 'vitest';
import { detectEdges, paintSegment, pairSegments } from './edges.ts';

const opts = { noise: 30, minEdge: 200, maxDuration: 50, ratio: [0.6, 1.6] as const };

describe('edge detection and pairing', () => {
  it('merges a switch that straddles two samples into one edge', () => {
    const x = Float64Array.from([100, 100, 1100, 2100, 2100, 100, 100]);
    expect(detectEdges(x, opts)).toEqual([
      { start: 2, end: 3, mag: 2000 },
      { start: 5, end: 5, mag: -2000 },
    ]);
  });

  it('pairs a short load nested in a longer one with its own off edge', () => {
    // 2 kW from 2 to 9, 3 kW kettle from 4 to 6.
    const x = Float64Array.from([100, 100, 2100, 2100, 5100, 5100, 2100, 2100, 2100, 100, 100]);
    const segs = pairSegments(x, detectEdges(x, opts), opts);
    expect(segs.map((s) => [s.start, s.end, s.power])).toEqual([
      [2, 9, 2000],
      [4, 6, 3000],
    ]);
    const out = new Float64Array(x.length);
    paintSegment(x, segs[1]!, out);
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 3000, 3000, 0, 0, 0, 0, 0]);
  });

  it('treats NaN as a break, not as an edge', () => {
    const x = Float64Array.from([100, NaN, 2100, 2100, 100]);
    expect(detectEdges(x, opts)).toEqual([{ start: 4, end: 4, mag: -2000 }]);
  });

  it('with an open end, reports a load still running at the end of the series', () => {
    const x = Float64Array.from([100, 100, 2100, 2100, 2100]);
    expect(pairSegments(x, detectEdges(x, opts), opts)).toEqual([]);
    expect(pairSegments(x, detectEdges(x, opts), { ...opts, openEnd: true })).toEqual([
      { start: 2, end: 5, power: 2000, offPower: 2000, base: 100, inner: { start: 2, end: 5 } },
    ]);
  });
});
