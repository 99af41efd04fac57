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
import { ExternalError, InputError } from '../../../errors.ts';
import { createBatchBuilder } from '../../../stream/batch.ts';
import { decodeCompact, encodeCompact } from '../../wire.ts';
import type { BatchHandler, LogSubscription, ReadingLog } from '../port.ts';
import { createMembership, partitionOf } from './membership.ts';

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
  /** Largest readings per published message; default 20,000 (about 420 kB). */
  maxPerMessage?: number;
  onError?: (err: unknown) => void;
}

/** A JetStream reading log, with the worker's id for diagnostics. */
export interface JetStreamLog extends ReadingLog {
  readonly workerId: string;
  /** Partitions this process consumes now. */
  owned(): number[];
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
  let ownedNow: number[] = [];

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
    owned: () => [...ownedNow],
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
    async subscribe(handler: BatchHandler): Promise<LogSubscription> {
      for (let p = 0; p < opts.partitions; p++)
        await ensureConsumer(jsm, stream, `${stream}-p${p}`, subject(p), (opts.ackWaitMs ?? 10_000) * 1e6);
      const hbSubject = `${name}.workers.heartbeat`;
      const heartbeatMs = opts.heartbeatMs ?? 1000;
      const membership = createMembership(workerId, opts.memberTimeoutMs ?? 3000);
      const hbSub = nc.subscribe(hbSubject, { callback: (_e, m) => membership.seen(m.string(), Date.now()) });
      const beat = (): void => nc.publish(hbSubject, workerId);
      beat();
      const hbTimer = setInterval(beat, heartbeatMs);
      // One handler call at a time per process: processors keep per-channel state.
      let serial: Promise<void> = Promise.resolve();
      const handle = (b: ReadingBatch): Promise<void> => (serial = serial.then(() => handler(b)));
      const loops = new Map<number, { stop: boolean; done: Promise<void> }>();
      let closed = false;

      const consume = async (p: number, state: { stop: boolean }): Promise<void> => {
        const consumer = await js.consumers.get(stream, `${stream}-p${p}`);
        while (!state.stop && !closed) {
          try {
            const msgs = await consumer.fetch({ max_messages: 64, expires: 1000 });
            for await (const m of msgs) {
              if (state.stop || closed) {
                m.nak();
                continue;
              }
              try {
                await handle(decodeCompact(Buffer.from(m.data), `${subject(p)} #${m.seq}`));
                m.ack();
              } catch (err) {
                onError(err);
                // Bad input (e.g. a channel removed from the catalog) never succeeds: drop it instead
                // of redelivering it forever; anything else (store down) is retried.
                if (err instanceof InputError) m.term();
                else m.nak(1000);
              }
            }
          } catch (err) {
            if (!closed) onError(err);
            await new Promise((r) => setTimeout(r, 500));
          }
        }
      };
      const rebalance = (): void => {
        if (closed) return;
        const mine = new Set(membership.owned(workerId, opts.partitions, Date.now()));
        for (const [p, l] of loops) {
          if (mine.has(p)) continue;
          l.stop = true;
          loops.delete(p);
        }
        for (const p of mine) {
          if (loops.has(p)) continue;
          const state = { stop: false, done: Promise.resolve() };
          state.done = consume(p, state).catch(onError);
          loops.set(p, state);
        }
        ownedNow = [...mine].sort((a, b) => a - b);
      };
      // Give peers one heartbeat to be heard before taking partitions.
      await new Promise((r) => setTimeout(r, heartbeatMs + 100));
      rebalance();
      const rbTimer = setInterval(rebalance, heartbeatMs / 2);
      return {
        async close() {
          closed = true;
          clearInterval(hbTimer);
          clearInterval(rbTimer);
          hbSub.unsubscribe();
          await Promise.all([...loops.values()].map((l) => l.done));
          await serial.catch(() => undefined);
          loops.clear();
        },
      };
    },
    async close() {
      await Promise.allSettled([...pendingPublishes]);
      await nc.drain();
    },
  };
}

async function ensureStream(jsm: JetStreamManager, name: string, subjects: string): Promise<void> {
  try {
    await jsm.streams.info(name);
  } catch {
    try {
      await jsm.streams.add({
        name,
        subjects: [subjects],
        storage: 'file',
        retention: 'limits',
        max_age: 7 * 86_400 * 1e9,
      });
    } catch (err) {
      // Another process may have created it in the meantime.
      await jsm.streams.info(name).catch(() => {
        throw new ExternalError('nats', `cannot create stream ${name}`, { cause: err });
      });
    }
  }
}

async function ensureConsumer(
  jsm: JetStreamManager,
  stream: string,
  durable: string,
  filter: string,
  ackWaitNs: number,
): Promise<void> {
  try {
    await jsm.consumers.info(stream, durable);
  } catch {
    await jsm.consumers
      .add(stream, {
        durable_name: durable,
        filter_subject: filter,
        ack_policy: 'explicit',
        ack_wait: ackWaitNs,
        max_ack_pending: 1000,
        deliver_policy: 'all',
      })
      .catch(async (err: unknown) => {
        await jsm.consumers.info(stream, durable).catch(() => {
          throw new ExternalError('nats', `cannot create consumer ${durable}`, { cause: err });
        });
      });
  }
}
