/**
 * What registered devices send, counted per device and minute in memory and added to the store every
 * few seconds (one write per device per flush, not one per message), so that the device list shows
 * last-seen times, message rates and refused readings from every process on the same database. The
 * counts not yet flushed are added to what the store answers, so this process's list is never behind.
 */
import type { Ingest, IngestOutcome } from '../realtime/ingest.ts';
import type { DeviceActivity, DeviceActivityDelta } from '../store/ports/devices.ts';
import type { StorePort } from '../store/store.ts';
import { ACTIVITY_KEEP_MS } from './status.ts';

/** Options of {@link createDeviceActivity}. */
export interface DeviceActivityOptions {
  store: StorePort<'devices', 'recordActivity' | 'pruneActivity' | 'activity'>;
  now?: () => number;
  /** Milliseconds between flushes to the store; default 5000. */
  flushMs?: number;
  onError?: (err: unknown) => void;
}

/** Activity counting of this process. */
export interface DeviceActivityTracker {
  /** Counts one message of a device and what became of its readings. */
  record(deviceId: string, outcome: IngestOutcome): void;
  /** Activity of the given devices from `since` (UTC ms): the store's plus what is not flushed yet. */
  activity(deviceIds: readonly string[], since: number): Promise<DeviceActivity[]>;
  /** Last message time this process saw from the device, if any. */
  lastSeen(deviceId: string): number | undefined;
  /** Writes the counts to the store now. */
  flush(): Promise<void>;
  /** Starts flushing every `flushMs`. */
  start(): void;
  /** Stops the timer and flushes what is left. */
  stop(): Promise<void>;
}

const MINUTE = 60_000;

/** Creates the tracker. */
export function createDeviceActivity(opts: DeviceActivityOptions): DeviceActivityTracker {
  const now = opts.now ?? Date.now;
  const onError = opts.onError ?? (() => undefined);
  let pending = new Map<string, DeviceActivityDelta>();
  // Last message time per device seen by this process, kept past flushes: a list whose device rows
  // were read just before a flush landed still shows a device that just sent as online.
  const seen = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();
  let lastPrune = 0;

  const flushNow = async (): Promise<void> => {
    const deltas = [...pending.values()];
    pending = new Map();
    if (deltas.length > 0) {
      try {
        await opts.store.devices.recordActivity(deltas);
      } catch (err) {
        // Kept for the next flush rather than lost.
        for (const d of deltas) merge(d);
        throw err;
      }
    }
    const t = now();
    if (t - lastPrune > 3_600_000) {
      lastPrune = t;
      await opts.store.devices.pruneActivity(t - ACTIVITY_KEEP_MS);
    }
  };
  const merge = (d: DeviceActivityDelta): void => {
    const key = `${d.deviceId}\u0000${d.minute}`;
    const p = pending.get(key);
    if (!p) return void pending.set(key, { ...d });
    p.messages += d.messages;
    p.readings += d.readings;
    p.rejected += d.rejected;
    p.lastSeenAt = Math.max(p.lastSeenAt, d.lastSeenAt);
  };
  const flush = (): Promise<void> => (flushing = flushing.catch(() => undefined).then(flushNow));

  return {
    record(deviceId, outcome) {
      const t = now();
      seen.set(deviceId, t);
      merge({
        deviceId,
        minute: Math.floor(t / MINUTE) * MINUTE,
        messages: 1,
        readings: outcome.accepted,
        rejected: outcome.rejected.length,
        lastSeenAt: t,
      });
    },
    activity(deviceIds, since) {
      // Queued behind any flush (and ahead of the next) so that the store's counts and the pending ones
      // are read at one moment: a count is never in both, nor in neither.
      const read = flushing
        .catch(() => undefined)
        .then(async () => {
          const stored = await opts.store.devices.activity(deviceIds, since);
          const byId = new Map(stored.map((a) => [a.deviceId, { ...a }]));
          const wanted = new Set(deviceIds);
          const from = Math.floor(since / MINUTE) * MINUTE;
          for (const d of pending.values()) {
            if (!wanted.has(d.deviceId) || d.minute < from) continue;
            const a = byId.get(d.deviceId) ?? { deviceId: d.deviceId, messages: 0, readings: 0, rejected: 0 };
            a.messages += d.messages;
            a.readings += d.readings;
            a.rejected += d.rejected;
            byId.set(d.deviceId, a);
          }
          return [...byId.values()];
        });
      flushing = read.then(
        () => undefined,
        () => undefined,
      );
      return read;
    },
    lastSeen(deviceId) {
      return seen.get(deviceId);
    },
    flush,
    start() {
      timer ??= setInterval(() => void flush().catch(onError), opts.flushMs ?? 5000);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await flush().catch(onError);
    },
  };
}

/** Wraps ingest so that every message of a registered device is counted. */
export function countingIngest(ingest: Ingest, activity: Pick<DeviceActivityTracker, 'record'>): Ingest {
  return {
    get limits() {
      return ingest.limits;
    },
    stats: () => ingest.stats(),
    async mqtt(device, topic, payload) {
      const o = await ingest.mqtt(device, topic, payload);
      if (device.deviceId) activity.record(device.deviceId, o);
      return o;
    },
    async http(device, body, format) {
      const o = await ingest.http(device, body, format);
      if (device.deviceId) activity.record(device.deviceId, o);
      return o;
    },
  };
}
