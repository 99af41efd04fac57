/**
 * One consumer of the JetStream reading log. It joins the group of all consumers of the stream (in this
 * and other processes) by heartbeats on core NATS, owns the partitions rendezvous hashing gives it, and
 * reads each owned partition's durable pull consumer with `consume()`, whose buffer is bounded by
 * `maxBufferedBytes`: the library asks the server for more only as messages are taken, so a slow
 * consumer holds at most that much per partition (the rest waits in the stream, on disk).
 *
 * The partitions' messages are merged into one iteration, each partition keeping its order: a partition
 * reader hands over one decoded message and waits until it was taken before the next.
 */
import type { Consumer, ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ReadingBatch } from '../../../domain/types.ts';
import { decodeCompact } from '../../wire.ts';
import type { ConsumeOptions, LogConsumer, LogMessage } from '../port.ts';
import { createNotifier, sleep } from '../signal.ts';
import { createMembership } from './membership.ts';

/** What a consumer needs of its log. */
export interface ConsumerContext {
  nc: NatsConnection;
  js: JetStreamClient;
  stream: string;
  /** Subject prefix (`<name>.readings.<p>`, `<name>.workers.*`). */
  name: string;
  partitions: number;
  memberId: string;
  heartbeatMs: number;
  memberTimeoutMs: number;
  maxBufferedBytes: number;
  /** Creates the durable consumers once per log. */
  ready: () => Promise<void>;
  onError: (err: unknown) => void;
}

/** A partition's reader. */
interface Reader {
  stop: boolean;
  /** On stop, hand back the message waiting in the inbox (the partition moves to another consumer). */
  release: boolean;
  msgs?: ConsumerMessages;
  done: Promise<void>;
}

/** A decoded message waiting to be handed out. */
interface Waiting {
  p: number;
  m: JsMsg;
  batch: ReadingBatch;
  source: string;
}

/** Starts a consumer of the JetStream log (lazily, at the first message asked for). */
export function createJetStreamConsumer(ctx: ConsumerContext, copts: ConsumeOptions = {}): LogConsumer {
  const { nc, name, partitions, memberId } = ctx;
  const membership = createMembership(memberId, ctx.memberTimeoutMs);
  const readers = new Map<number, Reader>();
  const readerLoops = new Set<Promise<void>>();
  const inbox: Waiting[] = [];
  const inHand = new Set<JsMsg>();
  const changed = createNotifier();
  let stopping: 'abort' | 'drain' | undefined;
  let started: Promise<void> | undefined;
  let ended = false;
  let timers: NodeJS.Timeout[] = [];
  let unsubscribe = (): void => undefined;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  let readersDone = false;
  const maybeClosed = (): void => {
    if (ended && readersDone && inHand.size === 0) resolveClosed();
  };

  /** Puts a reader's message in the inbox and waits until it was taken or the reader stopped. */
  const handOver = async (w: Waiting, r: Reader): Promise<void> => {
    inbox.push(w);
    changed.notify();
    while (inbox.includes(w) && !r.stop) await changed.wait();
    if (r.release && inbox.includes(w)) {
      inbox.splice(inbox.indexOf(w), 1);
      w.m.nak();
    }
  };
  const stopReader = (p: number, release: boolean): void => {
    const r = readers.get(p);
    if (!r) return;
    r.stop = true;
    r.release = release;
    readers.delete(p);
    if (!nc.isClosed()) void r.msgs?.close().catch(ctx.onError);
    changed.notify();
  };
  const rebalance = (): void => {
    if (stopping || ended) return;
    const mine = new Set(membership.owned(memberId, partitions, Date.now()));
    for (const p of [...readers.keys()]) if (!mine.has(p)) stopReader(p, true);
    for (const p of mine) {
      if (readers.has(p)) continue;
      const r: Reader = { stop: false, release: false, done: Promise.resolve() };
      r.done = readPartition(ctx, p, r, handOver).catch(ctx.onError);
      readerLoops.add(r.done);
      readers.set(p, r);
    }
  };

  const start = async (): Promise<void> => {
    await ctx.ready();
    const group = joinGroup(ctx, membership, rebalance);
    unsubscribe = group.leave;
    timers.push(group.timer);
    // Give peers one heartbeat to be heard before taking partitions.
    await sleep(ctx.heartbeatMs + 100, copts.signal);
    rebalance();
    timers.push(setInterval(rebalance, ctx.heartbeatMs / 2));
  };

  /** Ends the consumer: stops readers, returns what was not handed out, says goodbye to the group. */
  const end = async (): Promise<void> => {
    if (ended) return;
    ended = true;
    for (const t of timers) clearInterval(t);
    timers = [];
    for (const p of [...readers.keys()]) stopReader(p, true);
    for (const w of inbox.splice(0)) w.m.nak();
    unsubscribe();
    if (started && !nc.isClosed()) nc.publish(`${name}.workers.leave`, memberId);
    await started?.catch(() => undefined);
    await Promise.all([...readerLoops]);
    readersDone = true;
    maybeClosed();
  };

  const next = async (): Promise<IteratorResult<LogMessage>> => {
    started ??= start();
    try {
      await started;
    } catch (err) {
      await end();
      throw err;
    }
    for (;;) {
      if (ended || stopping === 'abort' || (stopping === 'drain' && inbox.length === 0)) {
        await end();
        return { done: true, value: undefined };
      }
      const w = inbox.shift();
      if (w) {
        changed.notify(); // its reader may hand over the next
        inHand.add(w.m);
        return {
          done: false,
          value: message(w, () => {
            inHand.delete(w.m);
            maybeClosed();
          }),
        };
      }
      await changed.wait(copts.signal);
    }
  };

  const onAbort = (): void => {
    stopping ??= 'abort';
    changed.notify();
  };
  copts.signal?.addEventListener('abort', onAbort, { once: true });
  if (copts.signal?.aborted) onAbort();
  // A closed connection (the log closed, or the process is going) ends the consumer; what it held
  // unacknowledged is redelivered by the server after the ack wait.
  void nc.closed().then(() => {
    inHand.clear();
    inbox.splice(0);
    onAbort();
    return end();
  });

  return {
    [Symbol.asyncIterator]: () => ({
      next,
      // The loop was left early (break or throw): what it holds unsettled is handed back now instead
      // of after the ack wait.
      async return() {
        for (const m of inHand) m.nak();
        inHand.clear();
        await end();
        return { done: true, value: undefined };
      },
    }),
    async drain() {
      if (!started) {
        ended = true;
        readersDone = true;
        maybeClosed();
        return;
      }
      stopping ??= 'drain';
      // Nothing more is pulled; what is already received is handed out, then the iteration ends.
      for (const p of [...readers.keys()]) stopReader(p, false);
      changed.notify();
      await closed;
    },
    closed,
    owned: () => [...readers.keys()].sort((a, b) => a - b),
  };
}

/**
 * Joins the group: listens to the members' heartbeats and goodbyes (a goodbye rebalances at once) and
 * sends this member's heartbeat now and every heartbeatMs. `leave` stops listening.
 */
function joinGroup(
  ctx: ConsumerContext,
  membership: ReturnType<typeof createMembership>,
  rebalance: () => void,
): { leave: () => void; timer: NodeJS.Timeout } {
  const { nc, name, memberId } = ctx;
  const hb = nc.subscribe(`${name}.workers.heartbeat`, {
    callback: (_e, m) => {
      membership.seen(m.string(), Date.now());
    },
  });
  const leave = nc.subscribe(`${name}.workers.leave`, {
    callback: (_e, m) => {
      membership.forget(m.string());
      rebalance();
    },
  });
  const beat = (): void => {
    if (!nc.isClosed()) nc.publish(`${name}.workers.heartbeat`, memberId);
  };
  beat();
  return {
    leave: () => {
      hb.unsubscribe();
      leave.unsubscribe();
    },
    timer: setInterval(beat, ctx.heartbeatMs),
  };
}

/**
 * Reads partition p's durable consumer until the reader stops, handing each decoded message over in
 * order; a message that does not decode is terminated. Errors other than stopping are told and the
 * read starts again after a second.
 */
async function readPartition(
  ctx: ConsumerContext,
  p: number,
  r: Reader,
  handOver: (w: Waiting, r: Reader) => Promise<void>,
): Promise<void> {
  const { nc, js } = ctx;
  const subject = `${ctx.name}.readings.${p}`;
  while (!r.stop && !nc.isClosed()) {
    try {
      const c: Consumer = await js.consumers.get(ctx.stream, `${ctx.stream}-p${p}`);
      // expires and idle heartbeat left at the library's 30 s / 15 s: the 1 s fetches with 0.5 s
      // heartbeats used before reported "heartbeats missed" whenever handling a fetched batch took
      // over a second, and each report cost a 500 ms pause (issue 11).
      r.msgs = await c.consume({ max_bytes: ctx.maxBufferedBytes });
      if (r.stop) await r.msgs.close();
      for await (const m of r.msgs) {
        if (r.stop) {
          m.nak();
          continue;
        }
        const source = `${subject} #${m.seq}`;
        let batch: ReadingBatch;
        try {
          batch = decodeCompact(Buffer.from(m.data), source);
        } catch (err) {
          ctx.onError(err);
          m.term(err instanceof Error ? err.message : String(err));
          continue;
        }
        if (r.stop) {
          m.nak();
          continue;
        }
        await handOver({ p, m, batch, source }, r);
      }
    } catch (err) {
      if (r.stop || nc.isClosed()) return;
      ctx.onError(err);
      await sleep(1000);
    }
  }
}

/** The message handed out for `w`; `onSettled` runs once, at its ack, nak or term. */
function message(w: Waiting, onSettled: () => void): LogMessage {
  let settled = false;
  const finish = (): boolean => {
    if (settled) return false;
    settled = true;
    onSettled();
    return true;
  };
  return {
    batch: w.batch,
    partition: w.p,
    source: w.source,
    ack: () => finish() && w.m.ack(),
    nak: (delayMs) => finish() && w.m.nak(delayMs),
    term: (reason) => finish() && w.m.term(reason instanceof Error ? reason.message : String(reason)),
  };
}
