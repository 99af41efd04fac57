/**
 * Live replay over MQTT in the agreed wire format: one message per reading on
 * `loadscope/<org>/<meter>/<channel>`, JSON batches on `loadscope/<org>/batch`, or the real-time
 * layer's compact binary frames on `loadscope/<org>/compact`.
 */
import mqtt from 'mqtt';
import type { ReadingBatch } from '../../domain/types.ts';
import { ExternalError } from '../../errors.ts';
import { encodeCompact } from '../../realtime/wire.ts';
import type { Fleet } from '../fleet.ts';
import { batchJson, channelRoutes, chunksByOrg, readingJson, subBatch } from './wire.ts';

/** How readings are packed into MQTT messages. */
export const MQTT_MODES = ['reading', 'batch', 'compact'] as const;
/** An MQTT packing mode. */
export type MqttMode = (typeof MQTT_MODES)[number];

/** Options of {@link publishMqtt}. */
export interface MqttPublishOptions {
  /** Broker URL, e.g. `mqtt://127.0.0.1:1883`. */
  url: string;
  mode?: MqttMode;
  /** First topic level; default `loadscope`. */
  root?: string;
  qos?: 0 | 1;
  /** Readings per batch/compact message; default 1,000 (batch) or 20,000 (compact). */
  perMessage?: number;
  username?: string;
  password?: string;
  signal?: AbortSignal;
  /** Called after each batch with the running totals. */
  onProgress?: (p: { readings: number; messages: number }) => void;
}

/** Publishes every batch of `feed`; resolves with totals when the feed ends or is aborted. */
export async function publishMqtt(
  fleet: Fleet,
  feed: AsyncIterable<ReadingBatch>,
  opts: MqttPublishOptions,
): Promise<{ readings: number; messages: number }> {
  const mode = opts.mode ?? 'reading';
  const root = opts.root ?? 'loadscope';
  const qos = opts.qos ?? 0;
  const routes = channelRoutes(fleet, root);
  let client: mqtt.MqttClient;
  try {
    client = await mqtt.connectAsync(opts.url, {
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      ...(opts.username ? { username: opts.username } : {}),
      ...(opts.password ? { password: opts.password } : {}),
    });
  } catch (cause) {
    throw new ExternalError('mqtt', `cannot connect to ${opts.url}: ${(cause as Error).message}`, { cause });
  }
  const totals = { readings: 0, messages: 0 };
  const pending: Promise<unknown>[] = [];
  const send = async (topic: string, payload: string | Buffer): Promise<void> => {
    pending.push(client.publishAsync(topic, payload, { qos }));
    totals.messages++;
    if (pending.length >= 500) await Promise.all(pending.splice(0));
  };
  try {
    for await (const b of feed) {
      if (opts.signal?.aborted) break;
      if (mode === 'reading') {
        for (let i = 0; i < b.length; i++) {
          await send(
            routes.topic[b.channel[i] as number] as string,
            readingJson(b.ts[i] as number, b.value[i] as number, b.quality[i] as number),
          );
        }
      } else {
        const max = opts.perMessage ?? (mode === 'batch' ? 1000 : 20_000);
        for (const { org, idx } of chunksByOrg(b, routes, max)) {
          if (mode === 'batch') await send(`${root}/${org}/batch`, batchJson(b, idx));
          else await send(`${root}/${org}/compact`, encodeCompact(subBatch(b, idx)));
        }
      }
      totals.readings += b.length;
      opts.onProgress?.(totals);
    }
    await Promise.all(pending.splice(0));
  } catch (cause) {
    throw new ExternalError('mqtt', `publishing to ${opts.url} failed: ${(cause as Error).message}`, {
      cause,
    });
  } finally {
    await client.endAsync();
  }
  return totals;
}
