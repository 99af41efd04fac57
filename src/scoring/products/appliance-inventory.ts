import { z } from 'zod';
import { round } from '../stats.ts';
import type { AnalyticProduct } from '../types.ts';

const params = z.object({
  /** Appliances expected in a home; energy NILM assigns to them counts as explained. */
  household: z
    .array(z.string())
    .default([
      'fridge',
      'freezer',
      'kettle',
      'microwave',
      'washing machine',
      'washingmachine',
      'dishwasher',
      'dryer',
      'oven',
      'lighting',
      'tv',
      'heat pump',
      'water heater',
      'standby',
    ]),
  /** Minimum NILM confidence for an appliance to count as present. */
  minConfidence: z.number().min(0).max(1).default(0.5),
});

/**
 * Appliance inventory (NILM): which appliances NILM found and how much of the energy they explain. A home's
 * energy is mostly explained by household appliances; a large unexplained or non-household share suggests other
 * use. Score = share (0..100) of daily energy not explained by household appliances found with enough confidence.
 * Not applicable (no score) when the facility has no NILM results.
 */
export const applianceInventory: AnalyticProduct<z.infer<typeof params>> = {
  name: 'appliance-inventory',
  version: '1.0.0',
  title: 'Appliance inventory (NILM)',
  description:
    'Appliances recognised in the mains signal (NILM) with how sure the recognition is and their daily energy. Score = the share of daily energy that no confidently recognised household appliance explains (a high share points to other equipment); no score until the facility has NILM results.',
  params,
  score(data, f, _peers, p) {
    if (!data.nilm) return null;
    const household = new Set(p.household.map((a) => a.toLowerCase()));
    const present = data.nilm.appliances.filter((a) => a.confidence >= p.minConfidence);
    const explained = present
      .filter((a) => household.has(a.name.toLowerCase()))
      .reduce((s, a) => s + a.kwhPerDay, 0);
    const total =
      Number.isFinite(f.dailyKwh) && f.dailyKwh > 0 ? f.dailyKwh : explained + data.nilm.residualKwhPerDay;
    const unexplained = total > 0 ? Math.min(1, Math.max(0, 1 - explained / total)) : 0;
    const score = round(unexplained * 100, 1);
    const names = present.map(
      (a) => `${a.name} (${round(a.kwhPerDay, 2)} kWh/day, confidence ${round(a.confidence, 2)})`,
    );
    return {
      score,
      label:
        score >= 70 ? 'mostly unexplained load' : score >= 40 ? 'partly explained' : 'household appliances',
      explanation: `NILM (${data.nilm.method}) found ${present.length} appliance(s)${names.length ? `: ${names.join(', ')}` : ''}; household appliances explain ${round(100 - score, 1)} % of ${round(total, 1)} kWh/day.`,
      evidence: {
        figures: {
          appliances: present.length,
          explainedKwhPerDay: round(explained, 2),
          totalKwhPerDay: round(total, 2),
          residualKwhPerDay: round(data.nilm.residualKwhPerDay, 2),
        },
        series: [
          {
            name: 'energy per appliance',
            unit: 'kWh/day',
            kind: 'bar',
            x: present.map((_, i) => i),
            y: present.map((a) => round(a.kwhPerDay, 3)),
          },
        ],
      },
    };
  },
};
