/**
 * Disaggregation metrics as NILMTK defines them (nilmtk/metrics.py), computed over the samples where
 * both the mains and the appliance's ground truth are present; missing samples are counted, not scored.
 */

/** Names of the metrics, in report order. */
export const METRICS = ['mae', 'rmse', 'f1', 'nde', 'eae', 'feac'] as const;
/** A metric's name. */
export type MetricName = (typeof METRICS)[number];

/** Scores of one appliance under one method. */
export interface ApplianceScore {
  /** Mean absolute error (W). */
  mae: number;
  /** Root mean square error (W). */
  rmse: number;
  /** F1 of on/off states, on when power >= the on-threshold. */
  f1: number;
  /** Normalised disaggregation error: sqrt(sum (p - g)^2 / sum g^2). */
  nde: number;
  /** Error in assigned energy: |E_pred - E_true| in kWh. */
  eae: number;
  /** This appliance's term of the fraction of energy assigned correctly: min(share_pred, share_true). */
  feac: number;
  /** Samples scored. */
  scored: number;
  /** Samples skipped because the mains or the ground truth were missing. */
  skipped: number;
  /** True and predicted energy (kWh). */
  energyTrue: number;
  energyPred: number;
}

/** Scores every appliance; `feac` terms sum to NILMTK's fraction of energy assigned correctly. */
export function scoreAppliances(
  truth: Record<string, Float64Array>,
  pred: Record<string, Float64Array>,
  mains: Float64Array,
  periodMs: number,
  onThreshold = 10,
): Record<string, ApplianceScore> {
  const out: Record<string, ApplianceScore> = {};
  const hours = periodMs / 3_600_000;
  for (const [a, g] of Object.entries(truth)) {
    const p = pred[a];
    if (!p) continue;
    let abs = 0;
    let sq = 0;
    let gsq = 0;
    let eT = 0;
    let eP = 0;
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let n = 0;
    let skipped = 0;
    for (let i = 0; i < g.length; i++) {
      const gv = g[i]!;
      const pv = p[i]!;
      if (Number.isNaN(gv) || Number.isNaN(pv) || Number.isNaN(mains[i]!)) {
        skipped++;
        continue;
      }
      n++;
      const d = pv - gv;
      abs += Math.abs(d);
      sq += d * d;
      gsq += gv * gv;
      eT += gv;
      eP += pv;
      const gOn = gv >= onThreshold;
      const pOn = pv >= onThreshold;
      if (gOn && pOn) tp++;
      else if (pOn) fp++;
      else if (gOn) fn++;
    }
    out[a] = {
      mae: n ? abs / n : NaN,
      rmse: n ? Math.sqrt(sq / n) : NaN,
      f1: tp + fp + fn ? (2 * tp) / (2 * tp + fp + fn) : 1,
      nde: gsq ? Math.sqrt(sq / gsq) : NaN,
      eae: (Math.abs(eP - eT) * hours) / 1000,
      feac: 0,
      scored: n,
      skipped,
      energyTrue: (eT * hours) / 1000,
      energyPred: (eP * hours) / 1000,
    };
  }
  const totT = Object.values(out).reduce((s, x) => s + x.energyTrue, 0);
  const totP = Object.values(out).reduce((s, x) => s + x.energyPred, 0);
  for (const s of Object.values(out))
    s.feac = Math.min(totP ? s.energyPred / totP : 0, totT ? s.energyTrue / totT : 0);
  return out;
}
