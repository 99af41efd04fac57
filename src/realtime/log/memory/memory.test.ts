/**
 * The embedded reading log's acknowledgement: an append resolves once its batch is handled (stored),
 * appends that arrive during a write share the next one (group commit), and one append's bad input
 * or a closing log never acknowledges what was not handled.
 */
import { describe, expect, it } from 'vitest';
import type { ReadingBatch } from '../../../domain/types.ts';
import { InputError } from '../../../errors.ts';
import { batchOf } from '../../../stream/batch.ts';
import { runConsumer } from '../run.ts';
import { createMemoryLog } from './index.ts';

const one = (channelId: string, ts = 1): ReadingBatch => batchOf([{ channelId, ts, value: 1 }]);

/** A promise with its resolver, to hold a handler mid-write. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

/** Whether `p` settled within a few turns of the event loop. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  return done;
}

describe('memory log acknowledgement', () => {
  it('resolves an append only once the handler has stored its batch, grouping appends that wait', async () => {
    const log = createMemoryLog();
    const calls: string[][] = [];
    let g = gate();
    runConsumer(log, async (b) => {
      calls.push([...b.channelIds]);
      await g.wait;
    });
    const first = log.append(one('a'));
    expect(await settled(first)).toBe(false); // the write of 'a' is still running
    const later = [log.append(one('b')), log.append(one('c')), log.append(one('d'))];
    const held = g;
    g = gate();
    held.open();
    await first;
    expect(await settled(Promise.all(later))).toBe(false); // queued behind 'a': not stored yet
    g.open();
    await Promise.all(later);
    expect(calls).toEqual([['a'], ['b', 'c', 'd']]); // one write for the three that waited
    await log.close();
  });

  it('with two groups in flight, takes the next while the first is being written, acknowledging each after its own write', async () => {
    const log = createMemoryLog();
    const calls: string[] = [];
    const gates = new Map<string, ReturnType<typeof gate>>();
    runConsumer(
      log,
      async (b) => {
        const id = b.channelIds[0]!;
        calls.push(id);
        const g = gate();
        gates.set(id, g);
        await g.wait;
      },
      { inFlight: 2 },
    );
    const a = log.append(one('a'));
    expect(await settled(a)).toBe(false);
    const b = log.append(one('b'));
    expect(await settled(b)).toBe(false);
    expect(calls).toEqual(['a', 'b']); // b taken while a's write hangs
    const c = log.append(one('c'));
    expect(await settled(c)).toBe(false);
    expect(calls).toEqual(['a', 'b']); // never more than two at once
    gates.get('b')!.open();
    await b; // acknowledged after its own write, before a's
    expect(await settled(a)).toBe(false);
    expect(calls).toEqual(['a', 'b', 'c']);
    gates.get('a')!.open();
    gates.get('c')!.open();
    await Promise.all([a, c]);
    await log.close();
  });

  it('fails only the append whose input is bad, not the appends grouped with it', async () => {
    const log = createMemoryLog();
    const g = gate();
    const stored: string[] = [];
    runConsumer(log, async (b) => {
      await g.wait;
      if (b.channelIds.includes('bad')) throw new InputError('unknown channel bad');
      stored.push(...b.channelIds);
    });
    const head = log.append(one('head'));
    const group = [log.append(one('x')), log.append(one('bad')), log.append(one('y'))];
    g.open();
    await head;
    const results = await Promise.allSettled(group);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(stored).toEqual(['head', 'x', 'y']);
    await log.close();
  });

  it('keeps an append waiting while the store fails, and resolves it once the write succeeds', async () => {
    const errors: unknown[] = [];
    const log = createMemoryLog();
    let failures = 2;
    runConsumer(
      log,
      async () => {
        if (failures-- > 0) throw new Error('store down');
      },
      { onError: (e) => errors.push(e), retryMs: 500 },
    );
    const t0 = Date.now();
    await log.append(one('a'));
    expect(errors).toHaveLength(2);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900); // two pauses of 500 ms before the retry
    await log.close();
  });

  it('rejects appends that no consumer handled when the log closes', async () => {
    const log = createMemoryLog();
    const pending = log.append(one('a'));
    await log.close();
    await expect(pending).rejects.toThrow(/closed first/);
    await expect(log.append(one('b'))).rejects.toThrow(/closed/);
  });

  it("resolves at once with ack 'queued' (a consumer a restart repairs)", async () => {
    const log = createMemoryLog({ ack: 'queued' });
    const g = gate();
    runConsumer(log, () => g.wait);
    expect(await settled(log.append(one('a')))).toBe(true);
    g.open();
    await log.close();
  });
});
