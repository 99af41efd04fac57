import { describe, expect, it } from 'vitest';
import { newerBreakdown } from './live-breakdown.ts';

const at = (ts: number, mains = 100) => ({
  ts,
  periodMs: 30_000,
  mains,
  appliances: {},
  residual: mains,
  model: { id: 'm', method: 'eventsig' },
});

describe('newerBreakdown', () => {
  it('keeps the breakdown of the later period, whichever arrives last', () => {
    expect(newerBreakdown(undefined, at(30_000))).toEqual(at(30_000));
    expect(newerBreakdown(at(60_000), at(30_000))).toEqual(at(60_000));
    expect(newerBreakdown(at(30_000), at(60_000))).toEqual(at(60_000));
    // The same period again (a model swapped): the arriving one.
    expect(newerBreakdown(at(30_000, 100), at(30_000, 200)).mains).toBe(200);
  });
});
