/** The trivial baseline: every appliance always draws its training mean. */
import type { HouseSeries, NilmMethod, NilmModel } from '../types.ts';
import { withResidual } from '../types.ts';

interface MeanParams {
  means: Record<string, number>;
}

/** Predicts each appliance's mean power over the training data, at every sample. */
export const meanMethod: NilmMethod = {
  name: 'mean',
  train(houses: HouseSeries[], appliances: string[]): NilmModel {
    const means: Record<string, number> = {};
    for (const a of appliances) {
      let sum = 0;
      let n = 0;
      for (const h of houses) {
        const s = h.appliances[a];
        if (!s) continue;
        for (let i = 0; i < s.length; i++) {
          const v = s[i]!;
          if (!Number.isNaN(v) && !Number.isNaN(h.mains[i]!)) {
            sum += v;
            n++;
          }
        }
      }
      means[a] = n ? sum / n : 0;
    }
    return {
      method: 'mean',
      version: 1,
      periodMs: houses[0]!.periodMs,
      appliances,
      params: { means } satisfies MeanParams,
    };
  },
  disaggregate(model, mains) {
    const { means } = model.params as MeanParams;
    const out: Record<string, Float64Array> = {};
    for (const a of model.appliances) out[a] = new Float64Array(mains.length).fill(means[a] ?? 0);
    return withResidual(model.periodMs, mains, out);
  },
};
