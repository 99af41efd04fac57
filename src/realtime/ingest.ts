/**
 * Ingest: decoded readings from MQTT or HTTP are checked (known channel of the sender's organisation
 * and meters, timestamp within the accepted window, value within the physical range of the channel's
 * unit, per-device rate) and appended to the reading log.
 * Good readings land even when others in the same message are bad; every reject has a reason, which
 * HTTP returns and MQTT puts in the quarantine.
 */
import type { ReadingBatch } from '../domain/types.ts';
import { PHYSICAL_LIMITS, physicalRangeError } from '../ingest/units.ts';
import { createBatchBuilder } from '../stream/batch.ts';
import type { DeviceIdentity } from './device-auth.ts';
import type { ChannelDirectory, ChannelInfo } from './directory.ts';
import type { ReadingLog } from './log/port.ts';
import type { Quarantine } from './quarantine.ts';
import { type RateLimit, createRateLimiter } from './rate-limit.ts';
import {
  type ItemError,
  type WireReading,
  decodeCompact,
  decodeJson,
  decodeNdjson,
  describeItemError,
} from './wire.ts';

/** A timestamp for a message: ISO when it is a date at all (-1e308 is not), else the number. */
function describeTs(ts: number): string {
  return Math.abs(ts) <= 8.64e15 ? new Date(ts).toISOString() : String(ts);
}

/** Limits applied to every message. */
export interface IngestLimits {
  /** Largest accepted payload in bytes; default 1 MiB. */
  maxPayloadBytes: number;
  /** Oldest accepted reading, relative to now; default 400 days. */
  maxPastMs: number;
  /** Furthest accepted reading in the future; default 5 minutes (clock skew). */
  maxFutureMs: number;
  /** Readings per second and burst per device. */
  rate: RateLimit;
}

/** Default limits. */
export const DEFAULT_LIMITS: IngestLimits = {
  maxPayloadBytes: 1 << 20,
  maxPastMs: 400 * 86_400_000,
  maxFutureMs: 5 * 60_000,
  rate: { perSecond: 500_000, burst: 1_000_000 },
};

/** What happened to one message. */
export interface IngestOutcome {
  accepted: number;
  rejected: ItemError[];
}

/** Dependencies of {@link createIngest}. */
export interface IngestDeps {
  directory: ChannelDirectory;
  log: ReadingLog;
  quarantine: Quarantine;
  limits?: Partial<IngestLimits>;
  now?: () => number;
  /** First topic level(s) of the MQTT scheme; default `loadscope` (tests use a unique root). */
  topicRoot?: string;
}

/** The ingest entry points. */
export interface Ingest {
  /** An MQTT publish from an authenticated device; rejects go to the quarantine. */
  mqtt(device: DeviceIdentity, topic: string, payload: Buffer): Promise<IngestOutcome>;
  /** An HTTP body (`application/json` batch or `application/x-ndjson`); rejects are returned. */
  http(device: DeviceIdentity, body: string, format: 'json' | 'ndjson'): Promise<IngestOutcome>;
  /** Counters since start. */
  stats(): { messages: number; accepted: number; rejected: number };
  /** The limits in force. */
  readonly limits: IngestLimits;
}

/** Why a device may not send more now: its rate and burst. */
function rateLimitReason(device: DeviceIdentity, limits: IngestLimits): string {
  return `rate limit: device '${device.id}' may send ${limits.rate.perSecond} readings/s (burst ${limits.rate.burst})`;
}

/**
 * Why reading `r` is refused, or undefined when it is good: its channel unknown (`ch` is the reason) or
 * not the device's, its time outside the window around `t`, its value outside the unit's physical range.
 */
function readingError(
  device: DeviceIdentity,
  r: WireReading,
  ch: ChannelInfo | string,
  t: number,
  limits: IngestLimits,
): Omit<ItemError, 'index'> | undefined {
  if (typeof ch === 'string') return { field: 'channel', reason: ch };
  if (ch.orgId !== device.orgId || (device.meterIds && !device.meterIds.includes(ch.meterId)))
    return {
      field: 'channel',
      reason: `forbidden: device '${device.id}' may not publish for channel '${ch.id}'`,
    };
  if (r.ts < t - limits.maxPastMs || r.ts > t + limits.maxFutureMs)
    return {
      field: 'ts',
      reason: `timestamp out of range: ${describeTs(r.ts)} is not within ${limits.maxPastMs / 86_400_000} days before and ${limits.maxFutureMs / 1000} s after now`,
    };
  const outOfRange = physicalRangeError(ch.unit, r.value);
  return outOfRange === undefined ? undefined : { field: 'value', reason: outOfRange };
}

/** Quarantines each item an MQTT message had refused, with a sample of the payload; returns the outcome. */
function quarantineRejected(
  quarantine: Quarantine,
  from: { device: DeviceIdentity; topic: string; payload: Buffer },
  o: IngestOutcome,
): IngestOutcome {
  for (const e of o.rejected)
    quarantine.add({
      source: 'mqtt',
      device: from.device.id,
      orgId: from.device.orgId,
      topic: from.topic,
      reason: describeItemError(e),
      sample: from.payload.toString('utf8', 0, 200),
    });
  return o;
}

/** Creates the ingest path. */
export function createIngest(deps: IngestDeps): Ingest {
  const limits: IngestLimits = { ...DEFAULT_LIMITS, ...deps.limits };
  const now = deps.now ?? Date.now;
  const limiter = createRateLimiter(limits.rate, now);
  const stats = { messages: 0, accepted: 0, rejected: 0 };
  const root = `${deps.topicRoot ?? 'loadscope'}/`;

  /** Resolves, authorises and time-checks readings; appends the good ones. */
  const land = async (
    device: DeviceIdentity,
    items: WireReading[],
    resolve: (r: WireReading) => ChannelInfo | string,
    errors: ItemError[],
  ): Promise<IngestOutcome> => {
    if (items.length && !limiter.take(device.id, items.length)) {
      errors.push({ reason: rateLimitReason(device, limits) });
      return finish(0, errors);
    }
    const t = now();
    const b = createBatchBuilder(Math.max(16, items.length));
    for (let i = 0; i < items.length; i++) {
      const r = items[i]!;
      const ch = resolve(r);
      const error = readingError(device, r, ch, t, limits);
      if (error) {
        errors.push({ index: r.index ?? i, ...error });
        continue;
      }
      b.push((ch as ChannelInfo).id, r.ts, r.value, r.quality);
    }
    if (b.length) await deps.log.append(b.build());
    return finish(b.length, errors);
  };
  const finish = (accepted: number, rejected: ItemError[]): IngestOutcome => {
    stats.accepted += accepted;
    stats.rejected += rejected.length;
    return { accepted, rejected };
  };
  /** Looks a channel up, reloading the directory once on a miss. */
  const known = async (
    ids: Iterable<string>,
    lookup: (id: string) => ChannelInfo | undefined,
  ): Promise<void> => {
    for (const id of ids) {
      if (!lookup(id)) {
        await deps.directory.refresh();
        return;
      }
    }
  };
  const byId = (r: WireReading): ChannelInfo | string =>
    deps.directory.byId(r.channel!) ?? `unknown channel '${r.channel}'`;

  return {
    limits,
    stats: () => ({ ...stats }),
    async mqtt(device, topic, payload) {
      stats.messages++;
      const report = (o: IngestOutcome): IngestOutcome =>
        quarantineRejected(deps.quarantine, { device, topic, payload }, o);
      if (payload.length > limits.maxPayloadBytes)
        return report(
          finish(0, [
            { reason: `payload too large: ${payload.length} bytes (limit ${limits.maxPayloadBytes})` },
          ]),
        );
      const parts = topic.startsWith(root) ? topic.slice(root.length).split('/') : [];
      if (parts[0] !== device.orgId)
        return report(
          finish(0, [{ reason: `forbidden: topic '${topic}' is outside ${root}${device.orgId}/` }]),
        );
      if (parts.length === 3) {
        const [org, meter, name] = parts as [string, string, string];
        const d = decodeJson(payload.toString('utf8'), 'single');
        if (d.readings.length && !deps.directory.byName(org, meter, name)) await deps.directory.refresh();
        const ch = deps.directory.byName(org, meter, name);
        return report(
          await land(
            device,
            d.readings,
            () => ch ?? `unknown channel: no channel '${name}' on meter '${meter}'`,
            d.errors,
          ),
        );
      }
      if (parts.length === 2 && parts[1] === 'batch') {
        const d = decodeJson(payload.toString('utf8'), 'batch');
        await known(new Set(d.readings.map((r) => r.channel!)), deps.directory.byId);
        return report(await land(device, d.readings, byId, d.errors));
      }
      if (parts.length === 2 && parts[1] === 'compact') {
        let batch: ReadingBatch;
        try {
          batch = decodeCompact(payload, `topic ${topic}`);
        } catch (e) {
          return report(finish(0, [{ reason: `malformed compact frame: ${(e as Error).message}` }]));
        }
        return report(await landBatch(device, batch));
      }
      return report(
        finish(0, [
          {
            reason: `unknown topic: '${topic}' (expected ${root}<org>/<meter>/<channel>, ${root}<org>/batch or ${root}<org>/compact)`,
          },
        ]),
      );
    },
    async http(device, body, format) {
      stats.messages++;
      if (Buffer.byteLength(body) > limits.maxPayloadBytes)
        return finish(0, [{ reason: `payload too large: limit ${limits.maxPayloadBytes} bytes` }]);
      const d = format === 'ndjson' ? decodeNdjson(body) : decodeJson(body, 'batch');
      await known(new Set(d.readings.map((r) => r.channel!)), deps.directory.byId);
      return land(device, d.readings, byId, d.errors);
    },
  };

  /** Compact frames: channels are checked once per frame, readings column-wise without objects. */
  async function landBatch(device: DeviceIdentity, batch: ReadingBatch): Promise<IngestOutcome> {
    await known(batch.channelIds, deps.directory.byId);
    const errors: ItemError[] = [];
    if (batch.length && !limiter.take(device.id, batch.length)) {
      errors.push({ reason: rateLimitReason(device, limits) });
      return finish(0, errors);
    }
    // One lookup per channel per frame; `!(|v| <= limit)` also refuses NaN and infinities.
    const units = batch.channelIds.map((id) => deps.directory.byId(id)?.unit ?? 'W');
    const limit = Float64Array.from(units, (u) => PHYSICAL_LIMITS[u]);
    const channelError = batch.channelIds.map((id): string | undefined => {
      const ch = deps.directory.byId(id);
      if (!ch) return `unknown channel '${id}'`;
      if (ch.orgId !== device.orgId || (device.meterIds && !device.meterIds.includes(ch.meterId)))
        return `forbidden: device '${device.id}' may not publish for channel '${id}'`;
      return undefined;
    });
    const t = now();
    const lo = t - limits.maxPastMs;
    const hi = t + limits.maxFutureMs;
    const b = createBatchBuilder(Math.max(16, batch.length));
    for (let i = 0; i < batch.length; i++) {
      const ci = batch.channel[i]!;
      const ts = batch.ts[i]!;
      const v = batch.value[i]!;
      const q = batch.quality[i]!;
      const bad = channelError[ci];
      if (bad !== undefined) errors.push({ index: i, field: 'channel', reason: bad });
      else if (!(ts >= lo && ts <= hi) || Math.floor(ts) !== ts)
        errors.push({ index: i, field: 'ts', reason: `timestamp out of range: ${ts}` });
      else if (!(Math.abs(v) <= limit[ci]!))
        errors.push({
          index: i,
          field: 'value',
          reason: physicalRangeError(units[ci]!, v) ?? 'out of range',
        });
      else if (q > 3) errors.push({ index: i, field: 'quality', reason: `expected 0-3, got ${q}` });
      else b.push(batch.channelIds[ci]!, ts, v, q);
    }
    if (b.length) await deps.log.append(b.build());
    return finish(b.length, errors);
  }
}
