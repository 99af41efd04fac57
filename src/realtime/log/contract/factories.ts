/**
 * The reading-log adapters the contract suite runs over: the in-process log and the JetStream log on
 * the real NATS server (LOADSCOPE_NATS_URL, default 127.0.0.1:4222), each test on a stream of its own.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createJetStreamLog, type JetStreamLog } from '../jetstream/index.ts';
import { partitionOf } from '../jetstream/membership.ts';
import { createMemoryLog } from '../memory/index.ts';
import type { LogMessage, ReadingLog } from '../port.ts';

const NATS = process.env['LOADSCOPE_NATS_URL'] ?? '127.0.0.1:4222';

/** A log under test and what the suite needs to know of it. */
export interface TestLog {
  readonly log: ReadingLog;
  readonly partitions: number;
  /** Partition of a channel (the suite's channel `cN` belongs to meter `mN`). */
  partitionOf(channelId: string): number;
  /** Whether an append resolves only once consumed (in-process): producers then must not wait for it. */
  readonly appendWaitsForConsumer: boolean;
  /** How long an unacknowledged message of a dead consumer waits before redelivery. */
  readonly ackWaitMs: number;
  /** Another handle on the same log, as a second process has (in-process: the same log). */
  peer(): Promise<ReadingLog>;
  /**
   * Ends a peer's consumer as a killed process ends: nothing it held is settled (in-process, where a
   * consumer cannot die alone, its loop is left).
   */
  kill(peer: ReadingLog, consumer: AsyncIterator<LogMessage>): Promise<void>;
  /** Messages delivered towards consumers (buffered or in hand) and not yet settled. */
  held(): Promise<number>;
  /** The most messages `held` may reach while a consumer takes none, for messages of `readings` readings. */
  bound(readings: number): number;
  destroy(): Promise<void>;
}

/** A factory per adapter. */
export interface LogFactory {
  readonly kind: 'memory' | 'jetstream';
  open(): Promise<TestLog>;
}

const meterOf = (channelId: string): string => channelId.replace(/^c/, 'm');

/** The in-process log: a small queue so the suite sees appends wait. */
const memory: LogFactory = {
  kind: 'memory',
  async open() {
    const maxQueued = 2_000;
    const log = createMemoryLog({ maxQueued, maxBatch: 100 });
    return {
      log,
      partitions: 1,
      partitionOf: () => 0,
      appendWaitsForConsumer: true,
      ackWaitMs: 0,
      peer: () => Promise.resolve(log),
      async kill(_peer, consumer) {
        await consumer.return?.();
      },
      held: () => Promise.resolve(Math.ceil(log.queued() / 100)),
      bound: (readings) => Math.ceil(maxQueued / readings) + 1,
      destroy: () => log.close(),
    };
  },
};

/** The JetStream log: four partitions, short ack wait and heartbeats, a small client buffer. */
const jetstream: LogFactory = {
  kind: 'jetstream',
  async open() {
    const name = `t_log_${Math.random().toString(36).slice(2, 10)}`;
    const partitions = 4;
    const maxBufferedBytes = 16 * 1024;
    const opts = {
      servers: NATS,
      partitions,
      partitionKey: meterOf,
      name,
      ackWaitMs: 1500,
      heartbeatMs: 200,
      memberTimeoutMs: 600,
      maxBufferedBytes,
    };
    const logs: JetStreamLog[] = [await createJetStreamLog(opts)];
    const admin = await connect({ servers: NATS });
    const jsm = await jetstreamManager(admin);
    return {
      log: logs[0]!,
      partitions,
      partitionOf: (id) => partitionOf(meterOf(id), partitions),
      appendWaitsForConsumer: false,
      ackWaitMs: opts.ackWaitMs,
      async peer() {
        const l = await createJetStreamLog(opts);
        logs.push(l);
        return l;
      },
      kill: (peer) => peer.close(),
      async held() {
        let n = 0;
        for (let p = 0; p < partitions; p++)
          n += (await jsm.consumers.info(name, `${name}-p${p}`)).num_ack_pending;
        return n;
      },
      // Per partition: the client buffer (a message is a compact frame of 21 bytes a reading and about
      // 40 of header), one message waiting to be merged, one in hand.
      bound: (readings) => partitions * (Math.ceil(maxBufferedBytes / (21 * readings + 40)) + 2),
      async destroy() {
        await Promise.allSettled(logs.map((l) => l.close()));
        await jsm.streams.delete(name).catch(() => undefined);
        await admin.close();
      },
    };
  },
};

/** Every adapter, for `describe.each`. */
export const LOG_FACTORIES: readonly LogFactory[] = [memory, jetstream];
