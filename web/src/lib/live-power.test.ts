/** Live power of meters without a power channel, derived from interval energy (issue 14, item 8). */
import { describe, expect, it } from 'vitest';
import type { Channel } from '../api/types.ts';
import { LIVE_WINDOW_MS, livePowerPlan } from './live-power.ts';

const channel = (id: string, over: Partial<Channel>): Channel => ({
  id,
  meterId: 'm',
  name: 'mains',
  isMains: true,
  appliance: null,
  measurement: 'power',
  unit: 'W',
  intervalMs: 1000,
  maxGapMs: null,
  rolloverAt: null,
  ...over,
});

describe('livePowerPlan', () => {
  it('draws 5-minute Wh as average W over a window of a dozen intervals, and says it is derived', () => {
    const plan = livePowerPlan([channel('e', { measurement: 'interval', unit: 'Wh', intervalMs: 300_000 })]);
    expect(125 * plan.factors.get('e')!).toBe(1500); // 125 Wh in 5 min
    expect(plan.windowMs).toBe(3_600_000);
    expect(plan.pollMs).toBe(600_000);
    expect(plan.derivedNote).toMatch(/^derived: average power over each 5 min/);
  });

  it('leaves measured power as it is', () => {
    const plan = livePowerPlan([channel('p', {}), channel('k', { unit: 'kW' })]);
    expect(plan.factors.get('p')).toBe(1);
    expect(plan.factors.get('k')).toBe(1000);
    expect(plan.windowMs).toBe(LIVE_WINDOW_MS);
    expect(plan.derivedNote).toBeNull();
  });
});
