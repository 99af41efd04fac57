import { describe, expect, it } from 'vitest';
import type { ReadingBatch } from '../../domain/types.ts';
import { batchOf } from '../../stream/batch.ts';
import { coalesceAppends } from './coalesce.ts';

const one = (id: string, ts = 1): ReadingBatch => batchOf([{ channelId: id, ts, value: 1 }]);

describe('coalesceAppends', () => {
  it('sends appends that arrive together as one batch, in order, and settles each with it', async () => {
    const sent: string[][] = [];
    const c = coalesceAppends(
      async (b) => {
        sent.push(Array.from({ length: b.length }, (_, i) => b.channelIds[b.channel[i]!]!));
      },
      { maxWaitMs: 20 },
    );
    await Promise.all([c.append(one('a')), c.append(one('b')), c.append(one('a', 2))]);
    expect(sent).toEqual([['a', 'b', 'a']]);
  });

  it('sends at once when the group reaches maxReadings, and a large batch alone goes straight', async () => {
    const sizes: number[] = [];
    const c = coalesceAppends(
      async (b) => {
        sizes.push(b.length);
      },
      { maxWaitMs: 10_000, maxReadings: 2 },
    );
    await Promise.all([c.append(one('a')), c.append(one('b'))]); // would wait 10 s without the size rule
    await c.append(batchOf([1, 2, 3].map((ts) => ({ channelId: 'x', ts, value: ts }))));
    expect(sizes).toEqual([2, 3]);
  });

  it('rejects every append of a group whose send failed, and no other', async () => {
    let fail = true;
    const c = coalesceAppends(
      async () => {
        if (fail) throw new Error('stream down');
      },
      { maxWaitMs: 5 },
    );
    const first = [c.append(one('a')), c.append(one('b'))];
    const settled = await Promise.allSettled(first);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(c.append(one('c'))).resolves.toBeUndefined();
  });

  it('flush sends what waits and resolves once every send settled', async () => {
    let release!: () => void;
    const done: string[] = [];
    const c = coalesceAppends(
      async (b) => {
        await new Promise<void>((r) => (release = r));
        done.push(b.channelIds[0]!);
      },
      { maxWaitMs: 60_000 },
    );
    const p = c.append(one('a'));
    const f = c.flush();
    await new Promise((r) => setTimeout(r, 10));
    expect(done).toEqual([]);
    release();
    await f;
    await p;
    expect(done).toEqual(['a']);
  });
});
