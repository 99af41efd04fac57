/**
 * How the live chart turns its channels into power: measured power channels as they are, interval
 * energy channels (meters without a power channel) as average power per interval, with a window long
 * enough to hold a dozen intervals and a note that says the power is derived.
 */
import { formatSpan } from '../../../src/domain/quantity.ts';
import { powerConversion } from '../../../src/domain/power.ts';
import type { Channel } from '../api/types.ts';

/** The shortest span the live chart shows, ms. */
export const LIVE_WINDOW_MS = 10 * 60_000;

/** What the live chart needs to draw its channels as power. */
export interface LivePowerPlan {
  /** Multiply a channel's value by this to get W (1 for W, 3600 s / interval for Wh). */
  factors: Map<string, number>;
  /** Span kept and drawn, ms: 10 minutes, or 12 of the longest interval of a derived channel. */
  windowMs: number;
  /** How far back a poll reaches while the push is down, ms: 30 s, or two intervals. */
  pollMs: number;
  /** Why the power is not measured, for the chart's header; null when every channel measures power. */
  derivedNote: string | null;
}

/** The plan for a set of live power channels (see `livePowerChannels` in src/domain/power.ts). */
export function livePowerPlan(channels: readonly Channel[]): LivePowerPlan {
  const factors = new Map<string, number>();
  let longest = 0;
  for (const c of channels) {
    const conv = powerConversion(c);
    factors.set(c.id, conv?.factor ?? 1);
    if (conv?.derived && c.intervalMs) longest = Math.max(longest, c.intervalMs);
  }
  return {
    factors,
    windowMs: Math.max(LIVE_WINDOW_MS, 12 * longest),
    pollMs: Math.max(30_000, 2 * longest),
    derivedNote: longest
      ? `derived: average power over each ${formatSpan(longest)} of metered energy (this meter reports no power)`
      : null,
  };
}
