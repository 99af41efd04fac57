/**
 * Analytic products: named, versioned scorers that characterise a facility from its data and its peers.
 * A product is a pure function of its inputs, so the same job scores identically on any executor.
 */
import type { z } from 'zod';
import type { FacilityKind } from '../domain/types.ts';
import type { Evidence } from '../store/ports/scores.ts';

/** A facility's data as products see it: one year (or what exists) of hourly energy in local time. */
export interface FacilityData {
  id: string;
  name: string;
  kind: FacilityKind;
  zip: string | null;
  timeZone: string;
  /** UTC ms of the first hour. */
  start: number;
  /** Energy per hour in Wh; NaN where the hour has no data. Hour i starts at start + i h. */
  hourly: Float64Array;
  /** Local hour of day (0..23) of each hour. */
  hourOfDay: Uint8Array;
  /** Local weekday of each hour, 0 = Monday .. 6 = Sunday. */
  weekday: Uint8Array;
  /** Overshoot alerts raised for the facility in the period. */
  alerts: number;
  /** NILM results for the facility, if any exist. */
  nilm: NilmSummary | null;
}

/** What NILM found in a facility: its appliance inventory and what it could not explain. */
export interface NilmSummary {
  method: string;
  appliances: { name: string; confidence: number; kwhPerDay: number }[];
  /** Energy per day NILM attributed to no appliance. */
  residualKwhPerDay: number;
}

/** Features of one facility, used by products and for peer statistics. */
export interface FacilityFeatures {
  /** Hours with data. */
  hours: number;
  /** Mean energy per day, kWh. */
  dailyKwh: number;
  /** Base load: 10th percentile of hourly mean power, W. */
  baseW: number;
  /** Peak: 95th percentile of hourly mean power, W. */
  peakW: number;
  /** Base over peak (1 = perfectly flat). */
  flatness: number;
  /** Share of energy used on weekdays 08-18 local (business hours), 0..1; 0.30 is what a flat load gives. */
  businessShare: number;
  /** Mean power on weekend days over mean power on weekdays. */
  weekendRatio: number;
  /** Mean power 00-05 local over mean power 17-22 local. */
  nightEveningRatio: number;
  /** Overshoot alerts per 30 days. */
  alertsPerMonth: number;
}

/** Distribution of a feature over a peer group. */
export interface PeerDistribution {
  n: number;
  /** Sorted values, for percentile ranks. */
  sorted: number[];
  median: number;
  /** Median absolute deviation (scaled to a normal sigma). */
  mad: number;
}

/** Peers of a facility: the same kind in the same zip code, or the same kind anywhere when that group is small. */
export interface PeerGroup {
  /** How the group was chosen, e.g. `residential in 10001 (n=42)`. */
  label: string;
  features: Record<'dailyKwh' | 'baseW' | 'flatness' | 'alertsPerMonth', PeerDistribution>;
}

/** Evidence a product gives for its score (stored with the score, so a store port type). */
export type { Evidence } from '../store/ports/scores.ts';

/** What a product returns for one facility. */
export interface ScoreResult {
  /** 0..100; higher means more of what the product looks for. */
  score: number;
  label: string;
  explanation: string;
  evidence: Evidence;
}

/** An analytic product. */
export interface AnalyticProduct<P = Record<string, unknown>> {
  name: string;
  version: string;
  title: string;
  /** How it scores, in words (shown in the web application and docs). */
  description: string;
  /** Validates and defaults parameters. */
  params: z.ZodType<P>;
  /** Scores one facility; null when the product does not apply (e.g. no NILM results). */
  score(data: FacilityData, features: FacilityFeatures, peers: PeerGroup, params: P): ScoreResult | null;
}
