/**
 * Whether a facility has enough data to be scored. A facility without readings in the scoring period
 * has no base load, no daily energy and no rhythm: scoring it anyway gave "Base load NaN W ... score
 * 0.0, normal", which reads as a verdict. Such facilities get a result with no score, labelled
 * {@link NOT_ENOUGH_DATA}, are left out of the rankings and out of their peers' distributions.
 */
import type { FacilityFeatures, ScoreResult } from './types.ts';

/**
 * Hours with data a facility needs in the scoring period: one full day, so that base load, peak and
 * the hour-of-day rhythm rest on every hour of a day at least once.
 */
export const MIN_SCORING_HOURS = 24;

/** The label of a facility that could not be scored. */
export const NOT_ENOUGH_DATA = 'not enough data';

/** A facility's result when it could not be scored: no score, the reason in words. */
export interface UnscoredResult extends Omit<ScoreResult, 'score'> {
  score: null;
}

/** True when the features rest on enough hours of data to be scored and compared with peers. */
export function hasEnoughData(f: Pick<FacilityFeatures, 'hours'>): boolean {
  return f.hours >= MIN_SCORING_HOURS;
}

/**
 * The result of a facility that cannot be scored: too few hours with data in the period, or a product
 * that could compute no number from them (`reason`).
 */
export function notEnoughData(
  f: Pick<FacilityFeatures, 'hours'>,
  period: { start: number; hours: number },
  reason?: string,
): UnscoredResult {
  const from = new Date(period.start).toISOString().slice(0, 10);
  const to = new Date(period.start + period.hours * 3_600_000).toISOString().slice(0, 10);
  const why =
    reason ??
    (f.hours === 0
      ? `No readings between ${from} and ${to}`
      : `Only ${f.hours} hour${f.hours === 1 ? '' : 's'} with readings between ${from} and ${to}; at least ${MIN_SCORING_HOURS} are needed`);
  return {
    score: null,
    label: NOT_ENOUGH_DATA,
    explanation: `${why}: not scored, and left out of the ranking.`,
    evidence: {
      figures: { hoursWithData: f.hours, hoursNeeded: MIN_SCORING_HOURS, periodFrom: from, periodTo: to },
      series: [],
    },
  };
}
