/**
 * How well thresholds find the simulator's injected overshoots: the fleet's readings from `from` to `to`
 * stream through the overshoot processor (alert above 1.5 x threshold for 60 s, as the live layer's
 * default rule), and the alerts are matched with the spikes the simulator put in that span. Recall counts
 * the spikes larger than the threshold (the spike alone exceeds it); precision counts alerts that fall in
 * a spike. Used by the recall test and by the sketch benchmark, which compares two sets of thresholds.
 */
import { type Fleet, generateReadings, spikesBetween } from '../sim/index.ts';
import { createOvershootProcessor } from '../stream/overshoot.ts';
import type { AlertSignal } from '../stream/signals.ts';

/** What the replay found. */
export interface OvershootRecall {
  /** Spikes the simulator injected in the span. */
  spikes: number;
  /** Of those, the ones larger than 1.5 x their channel's threshold. */
  larger: number;
  /** Raised alerts, as `channelId@ts`. */
  alerts: Set<string>;
  recall: number;
  precision: number;
}

/** Replays the fleet's appliance channels over [from, to) against `thresholds` (channel id -> value). */
export async function overshootRecall(
  fleet: Fleet,
  thresholds: ReadonlyMap<string, number>,
  from: number,
  to: number,
): Promise<OvershootRecall> {
  const appliance = new Set(fleet.truth.applianceChannels.map((c) => c.channelId));
  const only = new Map([...thresholds].filter(([id]) => appliance.has(id)));
  const signals: AlertSignal[] = [];
  const p = createOvershootProcessor(
    { minDurationMs: 60_000, hysteresis: 0.1, clearAfterMs: 60_000, severity: 'warning', factor: 1.5 },
    (s) => signals.push(s),
  );
  p.setThresholds(only);
  for await (const b of generateReadings(fleet, { from, to })) p.process(b);
  const raised = signals.filter((s) => s.type === 'raise');
  const spikes = spikesBetween(fleet, from, to).filter((s) => s.start >= from && s.end <= to);
  const larger = spikes.filter((s) => s.peakW > 1.5 * (only.get(s.channelId) ?? Number.POSITIVE_INFINITY));
  const hit = (a: AlertSignal, s: (typeof spikes)[number]) =>
    a.channelId === s.channelId && a.ts >= s.start && a.ts < s.end;
  return {
    spikes: spikes.length,
    larger: larger.length,
    alerts: new Set(raised.map((a) => `${a.channelId}@${a.ts}`)),
    recall: larger.filter((s) => raised.some((a) => hit(a, s))).length / larger.length,
    precision: raised.filter((a) => spikes.some((s) => hit(a, s))).length / raised.length,
  };
}
