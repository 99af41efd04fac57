/**
 * An example custom analytic product as a module: Loadscope loads every .ts/.js/.mjs file in the products folder
 * (LOADSCOPE_PRODUCTS_DIR or --products-dir) whose default export has this shape; no rebuild needed.
 */
import { z } from 'zod';

const params = z.object({
  /** Weekend/weekday ratio that scores 100. */ full: z.number().positive().default(2),
});

export default {
  name: 'weekend-ratio',
  version: '1.0.0',
  title: 'Weekend against weekday power',
  description:
    'Mean power on weekend days over mean power on weekdays, scaled so that `full` (default 2) scores 100.',
  params,
  score(_data: unknown, f: { weekendRatio: number }, _peers: unknown, p: z.infer<typeof params>) {
    const score = Math.max(0, Math.min(100, Math.round((f.weekendRatio / p.full) * 1000) / 10));
    return {
      score,
      label:
        f.weekendRatio > 1.1
          ? 'busier at weekends'
          : f.weekendRatio < 0.7
            ? 'quiet at weekends'
            : 'even week',
      explanation: `Weekend power is ${Math.round(f.weekendRatio * 100)} % of weekday power.`,
      evidence: { figures: { weekendRatio: Math.round(f.weekendRatio * 1000) / 1000 }, series: [] },
    };
  },
};
