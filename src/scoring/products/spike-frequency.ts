import { z } from 'zod';
import { percentileRank, robustZ, round } from '../stats.ts';
import type { AnalyticProduct } from '../types.ts';

const params = z.object({
  /** Alerts per month below which a facility is never flagged, whatever its peers do. */
  minPerMonth: z.number().min(0).default(2),
});

/**
 * Spike frequency: overshoot alerts per month against peers. Score = percentile rank among peers; labelled
 * frequent when the rate is a robust z of 3 above peers and at least `minPerMonth`.
 */
export const spikeFrequency: AnalyticProduct<z.infer<typeof params>> = {
  name: 'spike-frequency',
  version: '1.0.0',
  title: 'Overshoot alerts against peers',
  description:
    'How often the facility goes above its usual peak (overshoot alerts per 30 days), ranked among similar facilities (same kind, same zip code). Score = the share of those peers it exceeds (50 = typical, 100 = the most frequent); labelled "frequent overshoots" at 2 or more a month when that is far more than is usual among its peers.',
  params,
  score(_data, f, peers, p) {
    const d = peers.features.alertsPerMonth;
    const rank = percentileRank(d.sorted, f.alertsPerMonth);
    const z = robustZ(f.alertsPerMonth, d.median, d.mad, 0.5);
    const score = round(rank, 1);
    const frequent = f.alertsPerMonth >= p.minPerMonth && z >= 3;
    return {
      score,
      label: frequent ? 'frequent overshoots' : 'usual',
      explanation: `${round(f.alertsPerMonth, 2)} overshoot alerts per month against a peer median of ${round(d.median, 2)} (${peers.label}).`,
      evidence: {
        figures: {
          alertsPerMonth: round(f.alertsPerMonth, 3),
          peerMedian: round(d.median, 3),
          z: round(z, 2),
          peers: peers.label,
        },
        series: [],
      },
    };
  },
};
