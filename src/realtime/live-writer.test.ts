/**
 * The live writer on both stores: a row the store refuses costs only its own channel, is retried a few
 * flushes and then dropped with a reported error; a store that does not answer keeps every row.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WindowAggregate } from '../stream/windows.ts';
import { createLiveWriter } from './live-writer.ts';
import { LIVE_REPO_ADAPTERS, type LiveRepos } from './testing/live-repos.ts';

const win = (channelId: string, over: Partial<WindowAggregate> = {}): WindowAggregate => ({
  channelId,
  widthMs: 60_000,
  start: 0,
  count: 1,
  sum: 5,
  min: 5,
  max: 5,
  final: false,
  ...over,
});

for (const [name, open] of Object.entries(LIVE_REPO_ADAPTERS)) {
  describe(`live writer on ${name}`, () => {
    let r: LiveRepos;
    beforeEach(async () => {
      r = await open();
    });
    afterEach(async () => {
      await r?.close();
    });
    const windowsOf = (channelId: string) =>
      r.live.listWindows({ channelId, widthMs: 60_000, from: 0, to: 120_000 });

    it("writes every other channel's rows when one channel's row is refused, then drops it", async () => {
      const errors: unknown[] = [];
      const w = createLiveWriter(r.live, { onError: (e) => errors.push(e), maxAttempts: 3 });
      // A start beyond BIGINT: both stores refuse the row (before, it was a finite 1e19 value).
      const poisoned = win('o1.bad', { start: 1e19 });
      await w.write({
        windows: [win('o1.good'), poisoned, win('o2.good')],
        latest: [
          { channelId: 'o1.good', ts: 1, value: 5 },
          { channelId: 'o2.good', ts: 1, value: 7 },
        ],
      });
      expect(await windowsOf('o1.good')).toEqual([win('o1.good')]);
      expect(await windowsOf('o2.good')).toEqual([win('o2.good')]);
      expect((await r.live.getLatest()).map((v) => v.value)).toEqual([5, 7]);
      expect(w.pending()).toBe(1);

      // The next flushes carry new rows of the good channels and retry the poisoned one.
      await w.write({ windows: [win('o2.good', { start: 60_000 })], latest: [] });
      expect(w.pending()).toBe(1);
      await w.write({ windows: [], latest: [{ channelId: 'o2.good', ts: 2, value: 8 }] });
      expect(w.pending()).toBe(0);
      expect(await windowsOf('o2.good')).toHaveLength(2);
      expect((await r.live.getLatest({ channelIds: ['o2.good'] }))[0]?.value).toBe(8);
      const dropped = errors.map(String).filter((e) => e.includes("channel 'o1.bad'"));
      expect(dropped).toHaveLength(1);
      expect(dropped[0]).toMatch(/dropped after 3 attempts/);

      // Dropped for good: a later state of the same window is not tried again (no failed statement).
      errors.length = 0;
      await w.write({ windows: [win('o1.good', { count: 2 }), { ...poisoned, count: 2 }], latest: [] });
      expect(errors).toEqual([]);
      expect(w.pending()).toBe(0);
      expect(await windowsOf('o1.good')).toEqual([win('o1.good', { count: 2 })]);
    });

    it('keeps every row while the store does not answer, and writes them once it does', async () => {
      const errors: unknown[] = [];
      // The real repository behind a switch: a store that refuses every statement, reads included.
      const down = { ...r.live };
      let up = false;
      const fail = async (): Promise<never> => {
        throw new Error('connection refused');
      };
      const flaky = {
        upsertWindows: (x: WindowAggregate[]) => (up ? down.upsertWindows(x) : fail()),
        upsertLatest: (x: Parameters<typeof down.upsertLatest>[0]) => (up ? down.upsertLatest(x) : fail()),
        getLatest: (f?: Parameters<typeof down.getLatest>[0]) => (up ? down.getLatest(f) : fail()),
        listWindows: down.listWindows,
      };
      const wf = createLiveWriter(flaky, { onError: (e) => errors.push(e), maxAttempts: 2 });
      for (let i = 0; i < 5; i++)
        await wf.write({
          windows: [win('a', { count: i + 1 }), win('b')],
          latest: [{ channelId: 'a', ts: i, value: i }],
        });
      expect(wf.pending()).toBe(3);
      up = true;
      await wf.write({ windows: [], latest: [] });
      expect(wf.pending()).toBe(0);
      expect(await windowsOf('a')).toEqual([win('a', { count: 5 })]);
      expect(await r.live.getLatest()).toEqual([{ channelId: 'a', ts: 4, value: 4 }]);
      expect(errors.map(String).some((e) => e.includes('dropped'))).toBe(false);
    });
  });
}
