import { describe, expect, it } from 'vitest';
import { createLiveNilm, type LiveBreakdown } from './live.ts';
import { METHODS } from './methods/registry.ts';
import { syntheticHouse } from './testing/synthetic-house.ts';

const appliances = ['kettle', 'microwave', 'washing_machine'];
const train = syntheticHouse({ seed: 1, days: 3 });
const model = METHODS.eventsig.train([train], appliances);

describe('live NILM', () => {
  it('keeps the newest breakdown per facility, one period behind, and sees a running kettle as it runs', () => {
    const house = syntheticHouse({ seed: 5, days: 1 });
    const seen: LiveBreakdown[] = [];
    const live = createLiveNilm({ model, windowMs: 3_600_000, onBreakdown: (b) => seen.push(b) });
    // Readings every 10 s: three per 30 s period, all equal to the period's mains.
    for (let i = 0; i < house.length; i++) {
      for (const off of [0, 10_000, 20_000]) {
        live.push('f1', house.t0 + i * 30_000 + off, house.mains[i]!);
        live.push('f2', house.t0 + i * 30_000 + off, 50);
      }
    }
    const last = live.latest('f1')!;
    expect(last.ts).toBe(house.t0 + (house.length - 2) * 30_000);
    expect(last.mains).toBeCloseTo(house.mains[house.length - 2]!, 9);
    expect(live.latest('f2')!.mains).toBe(50);
    expect(live.facilities().sort()).toEqual(['f1', 'f2']);
    // Live (provisional) kettle states against the truth, period by period. A 2 kW load in its first
    // minutes can pass for a kettle until its duration rules that out, so live F1 is below batch F1.
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const b of seen.filter((x) => x.facilityId === 'f1')) {
      const truth = house.appliances['kettle']![(b.ts - house.t0) / 30_000]! > 10;
      const on = b.appliances['kettle']! > 10;
      if (on && truth) tp++;
      else if (on) fp++;
      else if (truth) fn++;
    }
    expect(tp).toBeGreaterThan(0);
    expect((2 * tp) / (2 * tp + fp + fn)).toBeGreaterThan(0.7);
    expect(fn).toBeLessThan(tp / 5);
    const sum = Object.values(last.appliances).reduce((s, v) => s + v, 0);
    expect(last.residual + sum).toBeCloseTo(last.mains, 6);
  });

  it('drops late readings and counts them; a gap becomes missing, not zero', () => {
    const live = createLiveNilm({ model, windowMs: 600_000 });
    const t0 = Date.UTC(2024, 0, 1);
    live.push('f', t0, 100);
    live.push('f', t0 + 30_000, 100);
    live.push('f', t0 + 5_000, 999);
    expect(live.late).toBe(1);
    expect(live.latest('f')!.mains).toBe(100);
    live.push('f', t0 + 300_000, 200);
    live.push('f', t0 + 330_000, 200);
    expect(live.latest('f')!.ts).toBe(t0 + 300_000);
    live.forget('f');
    expect(live.latest('f')).toBeUndefined();
  });

  it('refuses a model of an unknown method', () => {
    expect(() => createLiveNilm({ model: { ...model, method: 'magic' } })).toThrow(
      /unknown NILM method 'magic'/,
    );
  });
});
