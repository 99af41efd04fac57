/**
 * Live power from whatever a meter measures. Power channels give it directly; a meter that only
 * reports energy per interval (most utility smart meters: Wh per 5 or 15 minutes) gives the average
 * power over each interval, energy x 1 h / interval. That figure is derived, not measured: it lags by
 * up to an interval and hides peaks inside it, so everything that shows it says so.
 */
import type { Channel } from './types.ts';

/** How a channel's values turn into power in W. */
export interface PowerConversion {
  /** Multiply a value by this to get W. */
  factor: number;
  /** True when the power is the average over an interval of energy, not a measured power. */
  derived: boolean;
}

/** The conversion of a channel's values to W, or undefined when they are not electric power or energy. */
export function powerConversion(
  c: Pick<Channel, 'measurement' | 'unit' | 'intervalMs'>,
): PowerConversion | undefined {
  if (c.measurement === 'power' && (c.unit === 'W' || c.unit === 'kW'))
    return { factor: c.unit === 'kW' ? 1000 : 1, derived: false };
  if (c.measurement === 'interval' && (c.unit === 'Wh' || c.unit === 'kWh') && c.intervalMs)
    return { factor: ((c.unit === 'kWh' ? 1000 : 1) * 3_600_000) / c.intervalMs, derived: true };
  return undefined;
}

/** A channel value as power in W (measured, or averaged over its interval); undefined when not convertible. */
export function powerOf(
  c: Pick<Channel, 'measurement' | 'unit' | 'intervalMs'>,
  value: number,
): number | undefined {
  const conv = powerConversion(c);
  return conv === undefined ? undefined : value * conv.factor;
}

/**
 * The channels whose sum is a facility's live mains power: for each meter, its mains power channels,
 * or, when it has none, its mains interval-energy channels (derived power). A meter with both counts
 * once, by its measured power.
 */
export function livePowerChannels<
  C extends Pick<Channel, 'meterId' | 'isMains' | 'measurement' | 'unit' | 'intervalMs'>,
>(channels: readonly C[]): C[] {
  const byMeter = new Map<string, { measured: C[]; derived: C[] }>();
  for (const c of channels) {
    if (!c.isMains) continue;
    const conv = powerConversion(c);
    if (!conv) continue;
    let m = byMeter.get(c.meterId);
    if (!m) byMeter.set(c.meterId, (m = { measured: [], derived: [] }));
    (conv.derived ? m.derived : m.measured).push(c);
  }
  return [...byMeter.values()].flatMap((m) => (m.measured.length ? m.measured : m.derived));
}
