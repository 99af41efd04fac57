/** The serving cache: dropped when a tag changes, refreshed in the background past its TTL, never caching a failure. */
import { describe, expect, it } from 'vitest';
import { createGenerations } from './generations.ts';
import { createServingCache } from './serving-cache.ts';

function setup(ttlMs = 1000) {
  let clock = 0;
  const generations = createGenerations();
  const cache = createServingCache<number>({ generations, ttlMs, max: 3, now: () => clock });
  let loads = 0;
  const load = (v: number) => async () => {
    loads++;
    return v;
  };
  return { cache, generations, load, loads: () => loads, tick: (ms: number) => (clock += ms) };
}

describe('serving cache', () => {
  it('keeps an answer until one of its tags changes', async () => {
    const { cache, generations, load, loads } = setup();
    expect(await cache.get('k', ['live:a', 'rollups'], load(1))).toBe(1);
    expect(await cache.get('k', ['live:a', 'rollups'], load(2))).toBe(1);
    generations.changed(['live:b']);
    expect(await cache.get('k', ['live:a', 'rollups'], load(3))).toBe(1);
    generations.changed(['rollups']);
    expect(await cache.get('k', ['live:a', 'rollups'], load(4))).toBe(4);
    expect(loads()).toBe(2);
  });

  it('does not keep an answer whose tag changed while it loaded', async () => {
    const { cache, generations, load } = setup();
    let release!: () => void;
    const slow = cache.get('k', ['t'], async () => {
      await new Promise<void>((r) => (release = r));
      return 1;
    });
    generations.changed(['t']);
    release();
    expect(await slow).toBe(1);
    expect(await cache.get('k', ['t'], load(2))).toBe(2);
  });

  it('past its TTL serves the old answer once while a fresh one loads, past twice the TTL it waits', async () => {
    const { cache, load, tick } = setup(1000);
    await cache.get('k', ['t'], load(1));
    tick(1500);
    expect(await cache.get('k', ['t'], load(2))).toBe(1);
    await new Promise((r) => setImmediate(r));
    expect(await cache.get('k', ['t'], load(3))).toBe(2);
    tick(2500);
    expect(await cache.get('k', ['t'], load(4))).toBe(4);
  });

  it('does not cache a failure, and drops the oldest key when full', async () => {
    const { cache, load, loads } = setup();
    await expect(cache.get('k', ['t'], () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('k', ['t'], load(1))).toBe(1);
    await cache.get('k2', ['t'], load(2));
    await cache.get('k3', ['t'], load(3));
    await cache.get('k4', ['t'], load(4));
    const before = loads();
    expect(await cache.get('k', ['t'], load(5))).toBe(5);
    expect(loads()).toBe(before + 1);
  });
});
