/**
 * The consumer loop's grouping with two groups in flight, over a scripted log whose messages arrive
 * one by one (as JetStream's do): a group gathers only what is waiting while nothing is being
 * written, and keeps gathering while a write runs, so writes stay large at any rate.
 */
import { describe, expect, it } from 'vitest';
import type { ReadingBatch } from '../../domain/types.ts';
import { batchOf } from '../../stream/batch.ts';
import type { LogConsumer, LogMessage, ReadingLog } from './port.ts';
import { runConsumer } from './run.ts';

/** A log whose consumer hands out the messages pushed to it; `acked` lists their sources. */
function scriptedLog(): { log: ReadingLog; push: (id: string) => void; acked: string[]; end: () => void } {
  const queue: LogMessage[] = [];
  const waiting: ((r: IteratorResult<LogMessage>) => void)[] = [];
  const acked: string[] = [];
  let ended = false;
  const deliver = (m: LogMessage) =>
    waiting.length ? waiting.shift()!({ value: m, done: false }) : queue.push(m);
  const consumer: LogConsumer = {
    [Symbol.asyncIterator]: () => ({
      next: () =>
        queue.length
          ? Promise.resolve({ value: queue.shift()!, done: false })
          : ended
            ? Promise.resolve({ value: undefined, done: true })
            : new Promise((r) => waiting.push(r)),
      return: () => Promise.resolve({ value: undefined, done: true }),
    }),
    drain: () => Promise.resolve(),
    closed: Promise.resolve(),
    owned: () => [0],
  };
  return {
    log: { append: () => Promise.resolve(), consume: () => consumer, close: () => Promise.resolve() },
    push: (id) =>
      deliver({
        batch: batchOf([{ channelId: id, ts: 1, value: 1 }]),
        partition: 0,
        source: id,
        ack: () => acked.push(id),
        nak: () => undefined,
        term: () => undefined,
      }),
    acked,
    end: () => {
      ended = true;
      for (const w of waiting.splice(0)) w({ value: undefined, done: true });
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('runConsumer with two groups in flight', () => {
  it('keeps gathering while a write runs, and writes what arrived meanwhile as one group', async () => {
    const { log, push, acked, end } = scriptedLog();
    const groups: string[][] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const run = runConsumer(
      log,
      async (b: ReadingBatch) => {
        groups.push([...b.channelIds]);
        if (groups.length === 1) await held;
      },
      { maxReadings: 100, maxWaitMs: 10, inFlight: 2 },
    );
    push('a');
    await sleep(40); // 'a' alone: nothing else was waiting
    expect(groups).toEqual([['a']]);
    // Arriving 40 ms apart, far beyond the 10 ms wait: without a write running each would be a group.
    for (const id of ['b', 'c', 'd']) {
      push(id);
      await sleep(40);
    }
    expect(groups).toEqual([['a']]); // still gathering behind a's write
    release();
    await sleep(40);
    expect(groups).toEqual([['a'], ['b', 'c', 'd']]);
    expect(acked).toEqual(['a', 'b', 'c', 'd']);
    end();
    await run.done;
  });
});
