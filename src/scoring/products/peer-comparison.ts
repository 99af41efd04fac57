import { z } from 'zod';
import { weeklySeries } from '../evidence.ts';
import { percentileOfSorted, percentileRank, round } from '../stats.ts';
import type { AnalyticProduct } from '../types.ts';

const params = z.object({});

/**
 * Peer comparison: the facility's mean energy per day ranked among facilities of the same kind in the same
 * zip code (or the same kind, when the zip group has fewer than 5). Score = percentile rank, 100 = uses more
 * than every peer.
 */
export const peerComparison: AnalyticProduct<z.infer<typeof params>> = {
  name: 'peer-comparison',
  version: '1.0.0',
  title: 'Energy per day against peers',
  description:
    'Average energy per day ranked among similar facilities: the same kind in the same zip code, or the same kind anywhere when the zip code has fewer than 5. Score = the share of those peers that use less: 50 = a typical facility, 100 = the highest user.',
  params,
  score(data, f, peers) {
    const d = peers.features.dailyKwh;
    const rank = percentileRank(d.sorted, f.dailyKwh);
    const score = round(rank, 1);
    const ratio = f.dailyKwh / d.median;
    const label =
      score >= 90 ? 'top 10 % consumer' : score <= 10 ? 'bottom 10 % consumer' : 'typical consumer';
    return {
      score,
      label,
      explanation: `${round(f.dailyKwh, 1)} kWh/day, ${round(ratio, 2)} x the median of ${peers.label} (${round(d.median, 1)} kWh/day): percentile ${round(score, 0)}.`,
      evidence: {
        figures: {
          dailyKwh: round(f.dailyKwh, 2),
          peerMedian: round(d.median, 2),
          peerP10: round(percentileOfSorted(d.sorted, 10), 2),
          peerP90: round(percentileOfSorted(d.sorted, 90), 2),
          peers: peers.label,
        },
        series: [weeklySeries(data)],
      },
    };
  },
};
