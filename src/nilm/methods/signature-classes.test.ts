import { describe, expect, it } from 'vitest';
import { classify, fitClasses } from './signature-classes.ts';

const row = (power: number, minutes: number, activity = NaN): number[] => [
  Math.log(power),
  Math.log(minutes * 60),
  1,
  0.05,
  0,
  activity,
  NaN,
];

describe('signature classes', () => {
  it('takes an appliance rating from its most common power, not its mean', () => {
    // A microwave at full power 12 times and at defrost power 6 times.
    const rows = [
      ...Array.from({ length: 12 }, (_, i) => row(1300 + i, 3)),
      ...Array.from({ length: 6 }, () => row(450, 6)),
    ];
    const [mw] = fitClasses(new Map([['microwave', rows]]));
    expect(Math.exp(mw!.rating!)).toBeGreaterThan(1250);
    expect(Math.exp(mw!.rating!)).toBeLessThan(1350);
    expect(Math.exp(mw!.mean[0]!)).toBeLessThan(1000);
  });

  it('leaves a feature that was not observed out of the likelihood', () => {
    const classes = fitClasses(
      new Map([
        ['washing_machine', Array.from({ length: 10 }, (_, i) => row(2000 + i, 15, 4.5))],
        ['dishwasher', Array.from({ length: 10 }, (_, i) => row(2000 + i, 15, 2.5))],
      ]),
    );
    expect(classify(classes, row(2005, 15, 4.4), false).best?.label).toBe('washing_machine');
    expect(classify(classes, row(2005, 15, 2.6), false).best?.label).toBe('dishwasher');
    // Without the activity, nothing tells them apart: an even posterior, not a NaN.
    expect(classify(classes, row(2005, 15), false).posterior).toBeCloseTo(0.5, 1);
  });

  it('keeps the likelihood finite for a value far outside everything seen in training', () => {
    const classes = fitClasses(new Map([['kettle', Array.from({ length: 10 }, (_, i) => row(2800 + i, 3))]]));
    const far = row(2800, 3);
    far[2] = 400; // an off/on ratio no load has
    const { posterior } = classify(classes, far, false);
    expect(posterior).toBe(1);
  });

  it('still classifies with a model stored before the newer features existed', () => {
    const [kettle] = fitClasses(
      new Map([['kettle', Array.from({ length: 10 }, (_, i) => row(2800 + i, 3))]]),
    );
    const old = {
      ...kettle!,
      mean: kettle!.mean.slice(0, 5),
      variance: kettle!.variance.slice(0, 5),
      densities: undefined,
    };
    const { best, posterior } = classify([old], row(2805, 3, 4), false);
    expect(best?.label).toBe('kettle');
    expect(posterior).toBe(1);
  });
});
