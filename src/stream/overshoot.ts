/**
 * Overshoot detection (seed 001): a channel's value above its threshold (p97 from the batch layer) for
 * at least `minDurationMs` of event time raises ONE alert; the alert ends only when the value has
 * stayed below `threshold x (1 - hysteresis)` for `clearAfterMs`, so one spike with jitter around the
 * threshold is one alert. Readings older than the last one seen on a channel (late or duplicate) do
 * not move the state machine: they still reach the store and the windows.
 */
import type { ReadingBatch, Severity } from '../domain/types.ts';
import type { QuantityText, SignalSink } from './signals.ts';

/** Options of {@link createOvershootProcessor}. */
export interface OvershootOptions {
  /** How long the value must stay above the threshold before the alert is raised (ms). */
  minDurationMs: number;
  /** Fraction below the threshold the value must fall to before the condition can end, e.g. 0.1. */
  hysteresis: number;
  /** How long the value must stay below the clear level before the alert ends (ms). */
  clearAfterMs: number;
  /** Severity of the alerts. */
  severity: Severity;
  /** Multiplier applied to the threshold (e.g. 1.5 = alert above 1.5 x p97); default 1. */
  factor?: number;
}

/** Default overshoot options: 60 s above p97, 10 % hysteresis, 60 s below to clear. */
export const DEFAULT_OVERSHOOT: OvershootOptions = {
  minDurationMs: 60_000,
  hysteresis: 0.1,
  clearAfterMs: 60_000,
  severity: 'warning',
};

const BELOW = 0;
const PENDING = 1;
const ALERTING = 2;

interface ChannelState {
  lastTs: number;
  /** Spacing of the last two readings: the time the newest sample stands for. */
  gap: number;
  phase: number;
  since: number;
  /** Time the first sample above the threshold stands for (its spacing from the previous one). */
  firstSpan: number;
  peak: number;
  belowSince: number;
}

/** A stateful overshoot detector over all channels. */
export interface OvershootProcessor {
  /** Replaces the thresholds (channel id -> value); channels without one are not checked. */
  setThresholds(thresholds: ReadonlyMap<string, number>): void;
  /** Feeds a batch; signals go to the sink given at creation. */
  process(batch: ReadingBatch): void;
  /** Number of channels currently above their threshold with an open alert. */
  openCount(): number;
}

/** Creates an overshoot processor emitting to `emit`. */
export function createOvershootProcessor(opts: OvershootOptions, emit: SignalSink): OvershootProcessor {
  let thresholds: ReadonlyMap<string, number> = new Map();
  const states = new Map<string, ChannelState>();
  const stateOf = (id: string): ChannelState => {
    let s = states.get(id);
    if (!s)
      states.set(
        id,
        (s = { lastTs: -Infinity, gap: 0, phase: BELOW, since: 0, firstSpan: 0, peak: 0, belowSince: NaN }),
      );
    return s;
  };
  const signal = (type: 'raise' | 'end', channelId: string, ts: number, value: number, th: number): void => {
    const message = (q: QuantityText): string =>
      type === 'raise'
        ? `value ${q(value)} above threshold ${q(th)} for at least ${opts.minDurationMs / 1000} s`
        : `value back below ${q(th * (1 - opts.hysteresis))}`;
    emit({
      type,
      rule: 'overshoot',
      key: `overshoot|${channelId}`,
      channelId,
      ts,
      value,
      threshold: th,
      severity: opts.severity,
      message,
    });
  };
  return {
    setThresholds(t) {
      thresholds = t;
    },
    process(batch) {
      // One lookup per channel of the batch, not per reading.
      const perIndex: (ChannelState | undefined)[] = batch.channelIds.map((id) =>
        thresholds.has(id) ? stateOf(id) : undefined,
      );
      const factor = opts.factor ?? 1;
      const th = batch.channelIds.map((id) => (thresholds.get(id) ?? NaN) * factor);
      for (let i = 0; i < batch.length; i++) {
        const ci = batch.channel[i]!;
        const s = perIndex[ci];
        if (!s) continue;
        const ts = batch.ts[i]!;
        if (ts <= s.lastTs) continue;
        s.gap = Number.isFinite(s.lastTs) ? ts - s.lastTs : 0;
        s.lastTs = ts;
        const v = batch.value[i]!;
        const limit = th[ci]!;
        if (s.phase === BELOW) {
          if (v > limit) {
            s.phase = PENDING;
            // A sample stands for the time since the previous one: a one-sample excursion at 60 s
            // sampling lasted 60 s.
            s.since = ts;
            s.firstSpan = s.gap;
            s.peak = v;
            if (s.gap >= opts.minDurationMs) {
              s.phase = ALERTING;
              s.belowSince = NaN;
              signal('raise', batch.channelIds[ci]!, s.since, v, limit);
            }
          }
        } else if (s.phase === PENDING) {
          if (v > limit) {
            if (v > s.peak) s.peak = v;
            if (ts - s.since + s.firstSpan >= opts.minDurationMs) {
              s.phase = ALERTING;
              s.belowSince = NaN;
              signal('raise', batch.channelIds[ci]!, s.since, s.peak, limit);
            }
          } else s.phase = BELOW;
        } else if (v <= limit * (1 - opts.hysteresis)) {
          if (Number.isNaN(s.belowSince)) s.belowSince = ts;
          if (ts - s.belowSince >= opts.clearAfterMs) {
            s.phase = BELOW;
            signal('end', batch.channelIds[ci]!, s.belowSince, v, limit);
          }
        } else {
          s.belowSince = NaN;
          if (v > s.peak) s.peak = v;
        }
      }
    },
    openCount() {
      let n = 0;
      for (const s of states.values()) if (s.phase === ALERTING) n++;
      return n;
    },
  };
}
