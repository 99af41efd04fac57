/**
 * Turns processor signals into stored alerts: a `raise` becomes an open alert (its id derives from
 * rule, channel and start time, so a replay after a crash stores nothing new), an `end` records the
 * end time. New alerts are pushed to the hub and to the forwarders (MQTT topic, webhook). Alerts carry
 * their channel's unit, and their message writes the numbers with it (`1.53 kWh per 5 min`).
 */
import { createHash } from 'node:crypto';
import { formatQuantity } from '../domain/quantity.ts';
import type { Alert } from '../domain/types.ts';
import type { AlertRepo } from '../store/ports/alerts.ts';
import type { AlertSignal } from '../stream/signals.ts';
import type { ChannelDirectory } from './directory.ts';
import type { EventHub } from './hub.ts';

/** Receives every new alert after it is stored (e.g. MQTT or webhook forwarding). */
export type AlertForwarder = (alert: Alert) => Promise<void>;

/** Buffers signals and writes them in order. */
export interface AlertSink {
  /** Queues a signal (called synchronously by processors). */
  signal(s: AlertSignal): void;
  /** Stores queued signals, publishes and forwards new alerts. */
  flush(): Promise<void>;
  /** Alerts raised since start. */
  raised(): number;
}

/** Dependencies of {@link createAlertSink}. */
export interface AlertSinkDeps {
  alerts: AlertRepo;
  directory: ChannelDirectory;
  hub: EventHub;
  forwarders?: AlertForwarder[];
  now?: () => number;
  onError?: (err: unknown) => void;
}

/** The deterministic id of an alert. */
export function alertId(rule: string, channelId: string, ts: number): string {
  return createHash('sha1').update(`${rule}\u0000${channelId}\u0000${ts}`).digest('hex').slice(0, 24);
}

/** Creates an alert sink. */
export function createAlertSink(deps: AlertSinkDeps): AlertSink {
  const now = deps.now ?? Date.now;
  let pending: AlertSignal[] = [];
  const openByKey = new Map<string, string>();
  let raised = 0;
  let chain: Promise<void> = Promise.resolve();

  const write = async (signals: AlertSignal[]): Promise<void> => {
    const fresh: Alert[] = [];
    const ends: { id: string; endTs: number }[] = [];
    for (const s of signals) {
      const ch = deps.directory.byId(s.channelId);
      if (!ch) continue;
      if (s.type === 'raise') {
        const t = now();
        const a: Alert = {
          id: alertId(s.rule, s.channelId, s.ts),
          rule: s.rule,
          channelId: s.channelId,
          facilityId: ch.facilityId,
          orgId: ch.orgId,
          ts: s.ts,
          endTs: null,
          value: s.value,
          threshold: s.threshold,
          unit: ch.unit,
          severity: s.severity,
          state: 'open',
          message: s.message((v) => formatQuantity(v, ch)),
          createdAt: t,
          updatedAt: t,
        };
        fresh.push(a);
        openByKey.set(s.key, a.id);
      } else {
        const id = openByKey.get(s.key);
        if (id) {
          openByKey.delete(s.key);
          ends.push({ id, endTs: s.ts });
        }
      }
    }
    // Pushed before the insert so that live subscribers do not wait for the database; a failed
    // insert is retried on the next flush (same id, so subscribers can drop repeats).
    for (const a of fresh) {
      raised++;
      deps.hub.publish({ type: 'alert', alert: a });
    }
    if (fresh.length) await deps.alerts.insertAlerts(fresh);
    for (const a of fresh)
      for (const f of deps.forwarders ?? []) f(a).catch((e: unknown) => deps.onError?.(e));
    for (const e of ends) {
      await deps.alerts.updateAlert(e.id, { endTs: e.endTs, updatedAt: now() });
      const a = await deps.alerts.getAlert(e.id);
      if (a) deps.hub.publish({ type: 'alert-updated', alert: a });
    }
  };
  return {
    signal(s) {
      pending.push(s);
    },
    flush() {
      if (pending.length === 0) return chain;
      const batch = pending;
      pending = [];
      // A failed write puts its signals back for the next flush (the alert ids make retries harmless).
      chain = chain
        .then(() => write(batch))
        .catch((err: unknown) => {
          pending = batch.concat(pending);
          deps.onError?.(err);
        });
      return chain;
    },
    raised: () => raised,
  };
}
