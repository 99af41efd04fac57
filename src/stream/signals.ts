/**
 * What stream processors emit: the start and end of a condition on one channel. The real-time layer
 * turns them into stored alerts (see src/realtime/alerts.ts); processors never touch the store.
 */
import type { Severity } from '../domain/types.ts';

/** A condition began (`raise`) or stopped holding (`end`) on a channel, at event time `ts`. */
export interface AlertSignal {
  type: 'raise' | 'end';
  /** Rule name: `overshoot` or the name of a pattern rule. */
  rule: string;
  /** Identifies the open condition so that `end` finds its `raise`: `<rule>|<channel>`. */
  key: string;
  channelId: string;
  ts: number;
  value: number;
  /** The level the value crossed (the rule's limit at that moment); null when the rule has none. */
  threshold: number | null;
  severity: Severity;
  /**
   * The alert text. Processors do not know the channel's unit, so they write the numbers through `q`,
   * which the real-time layer gives them with the channel's unit (`1.53 kWh per 5 min`).
   */
  message: (q: QuantityText) => string;
}

/** Writes a value of the alert's channel with its unit. */
export type QuantityText = (value: number) => string;

/** Receives signals as processors emit them. */
export type SignalSink = (signal: AlertSignal) => void;
