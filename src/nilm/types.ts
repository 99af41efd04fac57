/**
 * NILM core types. A house is a set of aligned series on one regular grid: the mains and, for
 * training and scoring, the sub-metered appliances. Missing samples are NaN, so every method and metric
 * sees the gap instead of a made-up zero.
 */

import type { NilmModel } from '../store/ports/nilm.ts';

/** Aligned series of one house on a regular grid of `periodMs` starting at `t0` (UTC ms). */
export interface HouseSeries {
  /** Human-readable origin, e.g. `refit:2 2014-03-01..2014-06-01`. */
  name: string;
  t0: number;
  periodMs: number;
  length: number;
  /** Whole-house power in W; NaN where missing. */
  mains: Float64Array;
  /** Appliance power in W by canonical appliance name (`kettle`, `washing_machine`, ...); NaN where missing. */
  appliances: Record<string, Float64Array>;
  /** What was missing or repaired while loading, for the report. */
  missing: MissingReport;
}

/** How much of a loaded series was missing, and why. */
export interface MissingReport {
  /** Grid slots in the requested range. */
  slots: number;
  /** Slots whose mains are missing (no sample, or zero-filled by the source). */
  mainsMissing: number;
  /** Slots where the mains were zero in the source and were treated as missing. */
  zeroFilled: number;
}

/** Output of a disaggregation: power per appliance plus what no appliance explains. */
export interface Disaggregation {
  periodMs: number;
  /** Estimated appliance power in W; NaN where the mains were missing. */
  appliances: Record<string, Float64Array>;
  /** mains minus the sum of the appliances (W); NaN where the mains were missing. */
  residual: Float64Array;
}

/** A trained model (stored as JSON, so a store port type). */
export type { NilmModel } from '../store/ports/nilm.ts';

/** Options of a disaggregation. */
export interface DisaggregateOptions {
  /** The series ends now: loads switched on and not yet off are reported as running (provisional). */
  openEnd?: boolean;
}

/** One disaggregation method: train on sub-metered houses, disaggregate mains. */
export interface NilmMethod {
  /** Short name used in experiment files and reports (`co`, `fhmm`, ...). */
  readonly name: string;
  /** Learns a model from houses with appliance channels (all on the same period). */
  train(houses: HouseSeries[], appliances: string[]): NilmModel;
  /**
   * Splits mains (W, NaN = missing) sampled every `model.periodMs` into appliances and a residual.
   * With `openEnd`, a load switched on near the end and still running counts as on (live use).
   */
  disaggregate(model: NilmModel, mains: Float64Array, opts?: DisaggregateOptions): Disaggregation;
}

/** Builds the residual (mains minus appliances) for a disaggregation. */
export function withResidual(
  periodMs: number,
  mains: Float64Array,
  appliances: Record<string, Float64Array>,
): Disaggregation {
  const residual = new Float64Array(mains.length);
  const series = Object.values(appliances);
  for (let i = 0; i < mains.length; i++) {
    const m = mains[i]!;
    if (Number.isNaN(m)) {
      residual[i] = NaN;
      for (const s of series) s[i] = NaN;
      continue;
    }
    let sum = 0;
    for (const s of series) sum += s[i]!;
    residual[i] = m - sum;
  }
  return { periodMs, appliances, residual };
}
