import { z } from 'zod';
import { hourProfileSeries } from '../evidence.ts';
import { logistic100, round } from '../stats.ts';
import type { AnalyticProduct } from '../types.ts';

const params = z.object({
  /** Business-hours energy share at which the score is 50 on that component (a flat load gives 0.30). */
  businessShareMid: z.number().min(0).max(1).default(0.36),
  /** Weekend/weekday power ratio at which the score is 50 on that component. */
  weekendRatioMid: z.number().min(0).max(3).default(0.85),
});

/**
 * Load shape: how commercial a facility's weekly rhythm looks. Homes use energy mornings, evenings and weekends;
 * shops and offices on weekdays between 08 and 18. Score = 60 % business-hours share + 40 % weekend drop, each
 * through a logistic around its mid-point; 0 = clearly residential, 100 = clearly commercial.
 */
export const loadShape: AnalyticProduct<z.infer<typeof params>> = {
  name: 'load-shape',
  version: '1.0.0',
  title: 'Load shape: residential or commercial',
  description:
    'Whether the weekly rhythm looks like a home or a business: the share of energy used on weekdays 08-18 local time (30 % for a load that never changes; homes use less then, businesses 45-70 %) and how much power drops at weekends (homes use as much or more, businesses less than 70 % of a weekday). The business-hours share counts for 60 % of the score and the weekend drop for 40 %; 0 = a home pattern, 100 = a business pattern.',
  params,
  score(data, f, _peers, p) {
    const s1 = logistic100(f.businessShare, p.businessShareMid, 60);
    const s2 = logistic100(p.weekendRatioMid - f.weekendRatio, 0, 12);
    // NaN when a figure is missing: the shard reports it as not enough data rather than a 0.
    const score = round(0.6 * s1 + 0.4 * s2, 1);
    const label = score >= 65 ? 'commercial-like' : score <= 35 ? 'residential-like' : 'mixed';
    return {
      score,
      label,
      explanation:
        `${round(f.businessShare * 100, 1)} % of the energy is used on weekdays 08-18 (a flat load would use 29.8 %), ` +
        `and weekend power is ${round(f.weekendRatio * 100, 0)} % of weekday power: the weekly rhythm looks ${label.replace('-like', '')}` +
        `${data.kind !== 'unknown' && label !== 'mixed' && !label.startsWith(data.kind === 'residential' ? 'residential' : 'commercial') ? `, unlike its registered kind (${data.kind})` : ''}.`,
      evidence: {
        figures: {
          businessShare: round(f.businessShare, 3),
          weekendRatio: round(f.weekendRatio, 3),
          nightEveningRatio: round(f.nightEveningRatio, 3),
        },
        series: hourProfileSeries(data),
      },
    };
  },
};
