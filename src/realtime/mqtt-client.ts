/**
 * Ingest from an external MQTT broker (Mosquitto, EMQX): subscribes to `<root>/#` and takes the
 * organisation from the topic, because the broker's ACLs already decided who may publish where
 * (docs/realtime.md lists the Mosquitto ACL file). Messages are processed in arrival order.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { ExternalError } from '../errors.ts';
import type { Ingest } from './ingest.ts';

/** Options of {@link startExternalSubscriber}. */
export interface ExternalSubscriberOptions {
  /** Broker URL, e.g. `mqtt://127.0.0.1:1883`. */
  url: string;
  ingest: Ingest;
  topicRoot?: string;
  /** Credentials of the ingest service on the broker. */
  username?: string;
  password?: string;
  onError?: (err: unknown) => void;
}

/** A running subscriber. */
export interface ExternalSubscriber {
  /** Publishes on the broker (alert forwarding). */
  publish(topic: string, payload: string): Promise<void>;
  /** Resolves once every message received so far is ingested. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Connects, subscribes and starts ingesting. */
export async function startExternalSubscriber(opts: ExternalSubscriberOptions): Promise<ExternalSubscriber> {
  const root = opts.topicRoot ?? 'loadscope';
  const onError = opts.onError ?? (() => undefined);
  const client: MqttClient = await mqtt
    .connectAsync(opts.url, {
      clientId: `loadscope-ingest-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      ...(opts.username ? { username: opts.username } : {}),
      ...(opts.password ? { password: opts.password } : {}),
      reconnectPeriod: 1000,
    })
    .catch((cause: unknown) => {
      throw new ExternalError('mqtt', `cannot connect to ${opts.url}`, { cause });
    });
  let chain: Promise<void> = Promise.resolve();
  client.on('message', (topic, payload) => {
    const parts = topic.slice(root.length + 1).split('/');
    if (parts[parts.length - 1] === 'alerts' || !parts[0]) return;
    const orgId = parts[0];
    chain = chain.then(() =>
      opts.ingest.mqtt({ id: `mqtt:${orgId}`, orgId }, topic, payload).then(() => undefined, onError),
    );
  });
  await client.subscribeAsync(`${root}/#`, { qos: 1 });
  return {
    publish: async (topic, payload) => {
      await client.publishAsync(topic, payload, { qos: 0 });
    },
    idle: () => chain,
    async close() {
      await client.endAsync();
      await chain;
    },
  };
}
