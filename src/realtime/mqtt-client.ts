/**
 * Ingest from an external MQTT broker (Mosquitto, EMQX): subscribes to `<root>/#` and takes the
 * organisation from the topic, because the broker's ACLs already decided who may publish where
 * (docs/realtime.md lists the Mosquitto ACL file). Messages are processed in arrival order.
 *
 * A QoS 1 message is acknowledged to the broker (PUBACK) only once its readings are durable in the
 * reading log (issue 13, item 11): mqtt.js sends PUBACK when `handleMessage` calls back. With a
 * `clientId`, the session is persistent (clean session off), so the broker keeps what arrives, and
 * what was not acknowledged, while Loadscope is down, and delivers it on reconnect.
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
  /**
   * Stable client id: the broker keeps the session (subscription and unacknowledged QoS 1 messages)
   * across restarts. Without it, a unique id and a clean session (tests).
   */
  clientId?: string;
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
  // Handlers go on before the connection is up: a persistent session delivers right after CONNACK.
  const client: MqttClient = mqtt.connect(opts.url, {
    clientId: opts.clientId ?? `loadscope-ingest-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    clean: opts.clientId === undefined,
    ...(opts.username ? { username: opts.username } : {}),
    ...(opts.password ? { password: opts.password } : {}),
    reconnectPeriod: 1000,
  });
  let chain: Promise<void> = Promise.resolve();
  /** Ingests one message in arrival order; undefined when the topic is not a reading topic. */
  const ingestInOrder = (topic: string, payload: Buffer): Promise<void> | undefined => {
    const parts = topic.slice(root.length + 1).split('/');
    if (parts[parts.length - 1] === 'alerts' || !parts[0]) return undefined;
    const orgId = parts[0];
    const run = chain.then(
      async () => void (await opts.ingest.mqtt({ id: `mqtt:${orgId}`, orgId }, topic, payload)),
    );
    chain = run.catch(() => undefined);
    return run;
  };
  // QoS 0: nothing to acknowledge.
  client.on('message', (topic, payload, packet) => {
    if (packet.qos === 0) ingestInOrder(topic, payload)?.catch(onError);
  });
  // QoS 1 and 2: acknowledged once ingested. A message that could not be stored is not acknowledged;
  // reconnecting makes the broker send it again (a persistent session keeps it meanwhile).
  client.handleMessage = (packet, callback) => {
    if (packet.qos === 0) return callback();
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const run = ingestInOrder(packet.topic, payload);
    if (!run) return callback();
    run.then(
      () => callback(),
      (err: unknown) => {
        onError(err);
        callback(err as Error);
        setTimeout(() => client.reconnect(), 1000).unref();
      },
    );
  };
  await new Promise<void>((resolve, reject) => {
    const failed = (cause: Error): void => {
      client.off('connect', connected);
      client.end(true);
      reject(new ExternalError('mqtt', `cannot connect to ${opts.url}`, { cause }));
    };
    const connected = (): void => {
      client.off('error', failed);
      resolve();
    };
    client.once('connect', connected);
    client.once('error', failed);
  });
  // Later errors (a dropped connection) are retried by mqtt.js; report them only.
  client.on('error', onError);
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
