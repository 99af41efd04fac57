import { z } from 'zod';
import { weeklySeries, hourProfileSeries } from '../evidence.ts';
import { logistic100, robustZ, round } from '../stats.ts';
import type { AnalyticProduct } from '../types.ts';

const params = z.object({
  /** Robust z of base load against peers at which the base component scores 50. */
  baseZMid: z.number().default(3),
  /** Base/peak ratio at which the flatness component scores 50 (homes are typically 0.1-0.3). */
  flatnessMid: z.number().min(0).max(1).default(0.4),
  /** Robust z of daily energy against peers at which the energy component scores 50. */
  energyZMid: z.number().default(2),
  /** Business-hours energy share at which the rhythm component scores 50 (a flat load gives 0.30). */
  businessShareMid: z.number().min(0).max(1).default(0.36),
  /** Weight of the commercial-use branch against the constant-load branch. */
  commercialWeight: z.number().min(0).max(1).default(0.9),
});

/**
 * Anomalous load (seed 000's case of a home used for another purpose). Two ways a facility's load can be
 * unusual for its kind and its zip-code peers:
 * - constant load: a high, flat 24/7 base. Base load (10th percentile of hourly power) as a robust z-score
 *   against peers, and flatness (base over 95th percentile); branch = geometric mean of the two components;
 * - commercial use of a home (residential facilities only): daily energy well above peers together with a
 *   business-hours rhythm; branch = commercialWeight x geometric mean of the energy and rhythm components.
 * Score = the larger branch, 0..100. A business using a lot of energy on business hours is not anomalous.
 */
/** A deviation from peers (in robust standard deviations) in words an energy analyst uses. */
function howUnusual(z: number): string {
  const a = Math.abs(z);
  const side = z >= 0 ? 'above' : 'below';
  if (a < 1) return 'typical for its peers';
  if (a < 2) return `somewhat ${side} its peers`;
  if (a < 4) return `well ${side} its peers`;
  return `far ${side} its peers`;
}

export const anomalousLoad: AnalyticProduct<z.infer<typeof params>> = {
  name: 'anomalous-load',
  version: '1.1.0',
  title: 'Anomalous load: constant 24/7 base, or a home used commercially',
  description:
    'Looks for two signs of an unusual load. A constant load: the base load (the power the facility never goes below, its quietest hours) is far above that of similar facilities (same kind, same zip code) and close to its own peak, as when equipment runs day and night. A home used as a business: it uses much more energy per day than similar homes, and most of it on weekdays 08-18. The score follows the stronger of the two signs (a business pattern counts slightly less); 0 = ordinary, 100 = very unlike similar facilities.',
  params,
  score(data, f, peers, p) {
    const base = peers.features.baseW;
    const energy = peers.features.dailyKwh;
    const zBase = robustZ(f.baseW, base.median, base.mad, Math.max(50, 0.2 * base.median));
    const zEnergy = robustZ(f.dailyKwh, energy.median, energy.mad, Math.max(1, 0.2 * energy.median));
    const constant = Math.sqrt(
      logistic100(zBase, p.baseZMid, 1.2) * logistic100(f.flatness, p.flatnessMid, 15),
    );
    const commercial =
      data.kind === 'residential'
        ? p.commercialWeight *
          Math.sqrt(
            logistic100(zEnergy, p.energyZMid, 1.5) * logistic100(f.businessShare, p.businessShareMid, 60),
          )
        : 0;
    const raw = Math.max(constant, commercial);
    // NaN when a figure is missing: the shard reports it as not enough data rather than a 0.
    const score = round(raw, 1);
    const why = commercial > constant ? 'commercial use' : 'constant load';
    const label = score >= 60 ? `anomalous: ${why}` : score >= 35 ? 'elevated' : 'normal';
    return {
      score,
      label,
      explanation:
        `Base load ${Math.round(f.baseW)} W against a peer median of ${Math.round(base.median)} W (${peers.label}; ${howUnusual(zBase)}), ` +
        `base load ${round(f.flatness * 100, 0)} % of the peak (homes are typically 10-30 %), ${round(f.dailyKwh, 1)} kWh/day against a typical ${round(energy.median, 1)} (${howUnusual(zEnergy)}), ` +
        `${round(f.businessShare * 100, 1)} % of it on weekdays 08-18: ${label}.`,
      evidence: {
        figures: {
          baseW: Math.round(f.baseW),
          peakW: Math.round(f.peakW),
          flatness: round(f.flatness, 3),
          peerBaseMedianW: Math.round(base.median),
          baseZ: round(zBase, 2),
          dailyKwh: round(f.dailyKwh, 2),
          peerDailyKwhMedian: round(energy.median, 2),
          energyZ: round(zEnergy, 2),
          businessShare: round(f.businessShare, 3),
          constantBranch: round(constant, 1),
          commercialBranch: round(commercial, 1),
          peers: peers.label,
        },
        series: [...hourProfileSeries(data), weeklySeries(data)],
      },
    };
  },
};
