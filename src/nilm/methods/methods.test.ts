import { describe, expect, it } from 'vitest';
import { scoreAppliances } from '../metrics.ts';
import { syntheticHouse } from '../testing/synthetic-house.ts';
import { METHOD_NAMES, METHODS } from './registry.ts';

const appliances = ['kettle', 'microwave', 'washing_machine'];
const train = syntheticHouse({ seed: 1, days: 4 });
// Another house: other days, other habits, appliances rated 8 % higher.
const test = syntheticHouse({ seed: 2, days: 3, ratingScale: 1.08 });
test.mains[100] = NaN;

describe.each(METHOD_NAMES)('method %s on a simulated house', (name) => {
  const method = METHODS[name];
  const model = method.train([train], appliances);
  const d = method.disaggregate(model, test.mains);
  const scores = scoreAppliances(test.appliances, d.appliances, test.mains, test.periodMs);

  it('gives a series per appliance and a residual that closes the balance', () => {
    expect(Object.keys(d.appliances).sort()).toEqual([...appliances].sort());
    for (const i of [0, 500, 4000]) {
      const sum = appliances.reduce((s, a) => s + d.appliances[a]![i]!, 0);
      expect(d.residual[i]! + sum).toBeCloseTo(test.mains[i]!, 6);
    }
  });

  it('marks missing mains as missing, never as a value', () => {
    expect(d.residual[100]).toBeNaN();
    for (const a of appliances) expect(d.appliances[a]![100]).toBeNaN();
    expect(scores['kettle']!.skipped).toBe(1);
  });

  it('has a JSON model that disaggregates the same after a round trip', () => {
    const copy = JSON.parse(JSON.stringify(model)) as typeof model;
    const d2 = method.disaggregate(copy, test.mains);
    expect(Array.from(d2.appliances['kettle']!.subarray(0, 2000))).toEqual(
      Array.from(d.appliances['kettle']!.subarray(0, 2000)),
    );
  });
});

describe('accuracy on the simulated house', () => {
  const score = (name: (typeof METHOD_NAMES)[number]) => {
    const m = METHODS[name];
    const d = m.disaggregate(m.train([train], appliances), test.mains);
    return scoreAppliances(test.appliances, d.appliances, test.mains, test.periodMs);
  };
  const mean = score('mean');
  const eventsig = score('eventsig');

  it('eventsig finds the kettle and the microwave and beats the training mean on every appliance', () => {
    expect(eventsig['kettle']!.f1).toBeGreaterThan(0.9);
    expect(eventsig['microwave']!.f1).toBeGreaterThan(0.8);
    expect(eventsig['kettle']!.mae).toBeLessThan(mean['kettle']!.mae / 10);
    expect(eventsig['microwave']!.mae).toBeLessThan(mean['microwave']!.mae / 5);
    expect(eventsig['washing_machine']!.mae).toBeLessThan(mean['washing_machine']!.mae);
  });

  it('Hart85 pairs the kettle’s on and off edges', () => {
    expect(score('hart85')['kettle']!.f1).toBeGreaterThan(0.9);
  });

  it('CO and FHMM explain the kettle better than chance', () => {
    expect(score('co')['kettle']!.f1).toBeGreaterThan(0.3);
    expect(score('fhmm')['kettle']!.f1).toBeGreaterThan(0.3);
  });

  it('the mean baseline predicts the training mean everywhere', () => {
    const m = METHODS.mean.train([train], appliances);
    const trueMean = train.appliances['kettle']!.reduce((s, v) => s + v, 0) / train.length;
    expect((m.params as { means: Record<string, number> }).means['kettle']).toBeCloseTo(trueMean, 6);
  });
});
