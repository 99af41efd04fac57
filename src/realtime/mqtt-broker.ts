/**
 * The embedded MQTT broker (aedes): devices connect with their token as the password (or as the user
 * name when there is no password), may publish only under `<root>/<their org>/` (and only for their
 * meters, when the token is limited), and may subscribe only to `<root>/<their org>/alerts` (any other
 * subscription is answered with the SUBACK failure code 0x80 and logged).
 * Messages are ingested in `authorizePublish`, which aedes runs before it sends PUBACK (its `published`
 * hook runs after): a QoS 1 publish is acknowledged once its readings are stored (the embedded log
 * acknowledges after the store commit), so a device that publishes faster than the store takes is
 * slowed, and a publish the server could not store is never acknowledged (the client sends it again).
 * A client connected with an API token or a token file entry is tracked in the connection registry,
 * so revoking the token or removing the entry disconnects it.
 */
import { createServer, type Server } from 'node:net';
import { Aedes, type Client } from 'aedes';
import type { Logger } from '../util/logger.ts';
import type { DeviceAuth, DeviceIdentity } from './device-auth.ts';
import type { Ingest } from './ingest.ts';
import type { Quarantine } from './quarantine.ts';
import type { ConnectionRegistry } from './revocations.ts';

/** Options of {@link startEmbeddedBroker}. */
export interface EmbeddedBrokerOptions {
  port: number;
  host?: string;
  deviceAuth: DeviceAuth;
  ingest: Ingest;
  quarantine: Quarantine;
  topicRoot?: string;
  onError?: (err: unknown) => void;
  /** Why a client was refused (a subscription outside its topics) or disconnected; default: nowhere. */
  logger?: Logger;
  /** Open connections by credential: a client is disconnected when its token is revoked. */
  connections?: ConnectionRegistry;
  /** Told of each publish refused before ingest (topic or meter not allowed), with who sent it. */
  onRefusedPublish?: (device: DeviceIdentity, reason: string) => void;
}

/** A running embedded broker. */
export interface EmbeddedBroker {
  /** The port it listens on (useful with port 0). */
  readonly port: number;
  /** Publishes a message from the server side (alert forwarding). */
  publish(topic: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

const identities = new WeakMap<Client, DeviceIdentity>();

/** Starts aedes on a TCP port. */
export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const root = `${opts.topicRoot ?? 'loadscope'}/`;
  const onError = opts.onError ?? (() => undefined);
  const reject = rejecter(opts.quarantine);
  const broker = await Aedes.createBroker({
    authenticate(client, username, password, done) {
      const token = password?.length ? password.toString('utf8') : (username ?? '');
      if (!token)
        return done(
          reject(client, null, 'unauthenticated: no token (send it as the MQTT password)') as never,
          false,
        );
      opts.deviceAuth.verify(token).then(
        (id) => {
          if (!id)
            return done(reject(client, null, 'unauthenticated: unknown or expired token') as never, false);
          identities.set(client, id);
          done(null, true);
        },
        (err: unknown) => done(err as never, false),
      );
    },
    authorizePublish(client, packet, callback) {
      if (!client) return callback(null);
      const id = identities.get(client);
      const topic = packet.topic;
      const refused = publishRefusal(id, topic, root);
      if (refused !== undefined) {
        if (id) opts.onRefusedPublish?.(id, refused);
        return callback(reject(client, topic, refused));
      }
      // Bad items are quarantined and the message acknowledged; a failure to store it is an error, so
      // aedes closes the connection without PUBACK and the device publishes it again.
      // publishRefusal refuses a client with no identity, so `id` is set here.
      opts.ingest
        .mqtt(
          id as DeviceIdentity,
          topic,
          Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload),
        )
        .then(
          () => callback(null),
          (err: unknown) => {
            onError(err);
            callback(err as Error);
          },
        );
    },
    authorizeSubscribe(client, sub, callback) {
      const id = identities.get(client);
      const allowed = `${root}${id?.orgId ?? '<org>'}/alerts`;
      if (id && sub.topic === allowed) return callback(null, sub);
      // A refused topic gets the SUBACK failure code (0x80 in MQTT 3.1.1, aedes' protocol), not a
      // disconnection: a client that reconnects and subscribes again would loop without learning why.
      const reason = `forbidden: subscribe to '${sub.topic}' (allowed: ${allowed})`;
      reject(client, sub.topic, reason);
      opts.logger?.warn(
        { client: client.id, device: id?.id ?? 'unauthenticated' },
        `client '${client.id}' refused: ${reason}`,
      );
      callback(null, null);
    },
  });
  if (opts.connections) trackConnections(broker, opts.connections, opts.logger);
  const server: Server = createServer(broker.handle);
  const port = await listen(server, opts.port, opts.host ?? '127.0.0.1');
  return {
    port,
    publish: (topic, payload) =>
      new Promise<void>((resolve, rej) =>
        broker.publish(
          { cmd: 'publish', topic, payload: Buffer.from(payload), qos: 0, retain: false, dup: false },
          (err) => (err ? rej(err) : resolve()),
        ),
      ),
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Quarantines what a client sent that was refused, and makes the error aedes answers it with
 * (return code 5, not authorized).
 */
function rejecter(
  quarantine: Quarantine,
): (client: Client | null, topic: string | null, reason: string) => Error {
  return (client, topic, reason) => {
    const id = client ? identities.get(client) : undefined;
    quarantine.add({
      source: 'mqtt',
      device: id?.id ?? `client:${client?.id ?? '?'}`,
      orgId: id?.orgId ?? null,
      topic,
      reason,
      sample: '',
    });
    return Object.assign(new Error(reason), { returnCode: 5 });
  };
}

/**
 * Why device `id` may not publish to `topic`, or undefined when it may: a read-only token, a topic
 * outside its organisation (or its alerts topic), or a meter its token is not limited to.
 */
export function publishRefusal(
  id: DeviceIdentity | undefined,
  topic: string,
  root: string,
): string | undefined {
  if (id?.readOnly) return `forbidden: token of '${id.id}' lacks the 'write:readings' scope (read only)`;
  if (!id || !topic.startsWith(`${root}${id.orgId}/`) || topic === `${root}${id.orgId}/alerts`)
    return `forbidden: publish to '${topic}' (allowed: ${root}${id?.orgId ?? '<org>'}/...)`;
  const parts = topic.slice(root.length).split('/');
  if (id.meterIds && parts.length === 3 && !id.meterIds.includes(parts[1]!))
    return `forbidden: device '${id.id}' may not publish for meter '${parts[1]}'`;
  return undefined;
}

/** Registers each authenticated client by its credential, so revoking the token disconnects it. */
function trackConnections(broker: Aedes, connections: ConnectionRegistry, logger: Logger | undefined): void {
  const untrack = new WeakMap<Client, () => void>();
  broker.on('clientReady', (client) => {
    const id = identities.get(client);
    if (!id) return;
    const release = connections.track({
      credential: {
        ...(id.tokenId ? { tokenId: id.tokenId } : {}),
        ...(id.deviceKey ? { deviceKey: id.deviceKey } : {}),
        ...(id.deviceId ? { deviceId: id.deviceId } : {}),
      },
      close: (reason) => {
        logger?.info({ client: client.id, device: id.id }, `client '${client.id}' disconnected: ${reason}`);
        client.close();
      },
    });
    untrack.set(client, release);
  });
  broker.on('clientDisconnect', (client) => untrack.get(client)?.());
}

/** Listens on host:port and resolves with the port bound (the one given, or the one chosen for 0). */
async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}
