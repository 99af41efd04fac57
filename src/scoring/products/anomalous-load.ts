import { z } from 'zod';
import { dailySeries, hourProfileSeries } from '../evidence.ts';
import { logistic100, robustZ, round } from '../stats.ts';
import type { AnalyticProduct } from '../types.ts';

const params = z.object({
  /** Robust z of base load against peers at which that component scores 50. */
  baseZMid: z.number().default(3),
  /** Base/peak ratio at which the flatness component scores 50 (homes are typically 0.1-0.3). */
  flatnessMid: z.number().min(0).max(1).default(0.4),
  /** Weight of the daily-energy excess, for loads that are high but not flat. */
  energyWeight: z.number().min(0).max(1).default(0.8),
});

/**
 * Anomalous constant load (seed 000's case of a home used for another purpose): a high, flat, 24/7 base load,
 * unusual for the facility's kind and its zip-code peers. Components: base load (10th percentile of hourly
 * power) as a robust z-score against peers; flatness (base over 95th percentile); daily energy as a robust z
 * against peers. Score = max( geometric mean of the base and flatness components, energyWeight x energy
 * component ), so a flat 24/7 load ranks highest and a merely heavy user ranks below it.
 */
export const constantLoad: AnalyticProduct<z.infer<typeof params>> = {
  name: 'constant-load',
  version: '1.0.0',
  title: 'Anomalous constant load',
  description:
    'Base load (10th percentile of hourly power) as a robust z-score against peers of the same kind and zip code, flatness (base over 95th percentile power) and daily energy against peers. Score = max(sqrt(base x flatness components), 0.8 x energy component); 100 = a high, flat 24/7 load unlike its peers.',
  params,
  score(data, f, peers, p) {
    const base = peers.features.baseW;
    const energy = peers.features.dailyKwh;
    const zBase = robustZ(f.baseW, base.median, base.mad, Math.max(50, 0.2 * base.median));
    const zEnergy = robustZ(f.dailyKwh, energy.median, energy.mad, Math.max(1, 0.2 * energy.median));
    const sBase = logistic100(zBase, p.baseZMid, 1.2);
    const sFlat = logistic100(f.flatness, p.flatnessMid, 15);
    const sEnergy = logistic100(zEnergy, p.baseZMid + 1, 1.0);
    const raw = Math.max(Math.sqrt(sBase * sFlat), p.energyWeight * sEnergy);
    const score = Number.isFinite(raw) ? round(raw, 1) : 0;
    const label = score >= 70 ? 'anomalous constant load' : score >= 40 ? 'elevated base load' : 'normal';
    return {
      score,
      label,
      explanation:
        `Base load ${Math.round(f.baseW)} W against a peer median of ${Math.round(base.median)} W (${peers.label}; robust z ${round(zBase, 1)}), ` +
        `base/peak ${round(f.flatness, 2)} (homes are typically 0.1-0.3), ${round(f.dailyKwh, 1)} kWh/day against ${round(energy.median, 1)}: ${label}.`,
      evidence: {
        figures: {
          baseW: Math.round(f.baseW),
          peakW: Math.round(f.peakW),
          flatness: round(f.flatness, 3),
          peerBaseMedianW: Math.round(base.median),
          baseZ: round(zBase, 2),
          dailyKwh: round(f.dailyKwh, 2),
          peerDailyKwhMedian: round(energy.median, 2),
          peers: peers.label,
        },
        series: [...hourProfileSeries(data), dailySeries(data)],
      },
    };
  },
};
