/**
 * The reading log on NATS JetStream: one stream whose subjects `<prefix>.readings.<partition>` are
 * partitioned by meter, one durable pull consumer per partition, and any number of worker processes.
 * Each worker consumes the partitions it owns (see membership.ts); a message is acknowledged only
 * after the handler (the idempotent store write and the processors) finished, so a worker killed
 * mid-batch loses nothing: after the ack wait its messages are redelivered to the partition's new
 * owner, and the repeated store write changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection, connect } from '@nats-io/transport-node';
import type { Alert, ReadingBatch } from '../../../domain/types.ts';
import { ExternalError } from '../../../errors.ts';
import { createBatchBuilder } from '../../../stream/batch.ts';
import { encodeCompact } from '../../wire.ts';
import type { ReadingLog } from '../port.ts';
import { createJetStreamConsumer } from './consumer.ts';
import { partitionOf } from './membership.ts';
import { ensureConsumer, ensureStream } from './setup.ts';

/** Options of {@link createJetStreamLog}. */
export interface JetStreamLogOptions {
  /** NATS server(s), e.g. `127.0.0.1:4222`. */
  servers: string | string[];
  /** Number of partitions (fixed for the life of the stream). */
  partitions: number;
  /** Partition key of a channel (its meter id); undefined sends to partition 0. */
  partitionKey: (channelId: string) => string | undefined;
  /** Stream name and subject prefix; default `loadscope` (tests use a unique one). */
  name?: string;
  /** How long an unacknowledged message waits before redelivery; default 10 s. */
  ackWaitMs?: number;
  /** Heartbeat period and time-out of worker membership; default 1 s and 3 s. */
  heartbeatMs?: number;
  memberTimeoutMs?: number;
  /**
   * Bytes a consumer's client buffer may hold per owned partition before it stops asking the server
   * for more; default 2 MiB (about 100,000 readings). Must exceed the largest message.
   */
  maxBufferedBytes?: number;
  /** Largest readings per published message; default 20,000 (about 420 kB). */
  maxPerMessage?: number;
  onError?: (err: unknown) => void;
}

/** A JetStream reading log, with the worker's id for diagnostics. */
export interface JetStreamLog extends ReadingLog {
  /** This process's id in the consumer group (each consumer adds `.<n>`). */
  readonly workerId: string;
  /** Announces a new alert to the other processes (core NATS, at most once: the store has it anyway). */
  publishAlert(alert: Alert): void;
  /** Receives alerts announced by other processes; returns the function that stops it. */
  onAlert(listener: (alert: Alert) => void): () => void;
}

/** Connects to NATS and makes sure the stream exists. */
export async function createJetStreamLog(opts: JetStreamLogOptions): Promise<JetStreamLog> {
  const name = opts.name ?? 'loadscope';
  const stream = name.replace(/[^A-Za-z0-9_-]/g, '_');
  const subject = (p: number | '*'): string => `${name}.readings.${p}`;
  const onError = opts.onError ?? (() => undefined);
  const maxPer = opts.maxPerMessage ?? 20_000;
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: opts.servers, maxReconnectAttempts: -1 });
  } catch (cause) {
    throw new ExternalError('nats', `cannot connect to ${String(opts.servers)}`, { cause });
  }
  const jsm: JetStreamManager = await jetstreamManager(nc);
  const js: JetStreamClient = jetstream(nc);
  await ensureStream(jsm, stream, subject('*'));
  const workerId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const pendingPublishes = new Set<Promise<unknown>>();
  let consumers = 0;
  let consumersReady: Promise<void> | undefined;
  const ackWaitMs = opts.ackWaitMs ?? 10_000;
  const ensureConsumers = async (): Promise<void> => {
    for (let p = 0; p < opts.partitions; p++)
      await ensureConsumer(jsm, stream, `${stream}-p${p}`, subject(p), ackWaitMs);
  };

  const publishPart = async (p: number, b: ReadingBatch): Promise<void> => {
    const pr = js.publish(subject(p), encodeCompact(b));
    pendingPublishes.add(pr);
    try {
      await pr;
    } finally {
      pendingPublishes.delete(pr);
    }
  };

  const alertSubject = `${name}.alerts`;
  return {
    workerId,
    publishAlert(alert) {
      nc.publish(alertSubject, JSON.stringify({ from: workerId, alert }));
    },
    onAlert(listener) {
      const sub = nc.subscribe(alertSubject, {
        callback: (_e, m) => {
          const msg = m.json<{ from: string; alert: Alert }>();
          if (msg.from !== workerId) listener(msg.alert);
        },
      });
      return () => {
        if (!nc.isClosed()) sub.unsubscribe();
      };
    },
    async append(batch) {
      // Split by partition, keeping each channel's order.
      const keyOf = batch.channelIds.map((id) => partitionOf(opts.partitionKey(id) ?? '', opts.partitions));
      const parts = new Map<number, ReturnType<typeof createBatchBuilder>>();
      const sends: Promise<void>[] = [];
      for (let i = 0; i < batch.length; i++) {
        const ci = batch.channel[i]!;
        const p = keyOf[ci]!;
        let b = parts.get(p);
        if (!b) parts.set(p, (b = createBatchBuilder(256)));
        b.push(batch.channelIds[ci]!, batch.ts[i]!, batch.value[i]!, batch.quality[i]);
        if (b.length >= maxPer) {
          sends.push(publishPart(p, b.build()));
          parts.set(p, createBatchBuilder(256));
        }
      }
      for (const [p, b] of parts) if (b.length) sends.push(publishPart(p, b.build()));
      await Promise.all(sends);
    },
    consume(copts) {
      return createJetStreamConsumer(
        {
          nc,
          js,
          stream,
          name,
          partitions: opts.partitions,
          memberId: `${workerId}.${++consumers}`,
          heartbeatMs: opts.heartbeatMs ?? 1000,
          memberTimeoutMs: opts.memberTimeoutMs ?? 3000,
          maxBufferedBytes: opts.maxBufferedBytes ?? 2 * 1024 * 1024,
          ready: () => (consumersReady ??= ensureConsumers()),
          onError,
        },
        copts,
      );
    },
    async close() {
      await Promise.allSettled([...pendingPublishes]);
      await nc.drain();
    },
  };
}
