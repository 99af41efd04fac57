import { describe, expect, it } from 'vitest';
import { createTtlCache } from './ttl-cache.ts';

describe('ttl cache', () => {
  it('caches until the TTL passes, shares concurrent loads, forgets failures and evicts the oldest', async () => {
    let t = 0;
    let loads = 0;
    const c = createTtlCache<number>({ ttlMs: 100, max: 2, now: () => t });
    const load = async () => ++loads;
    expect(await Promise.all([c.get('a', load), c.get('a', load)])).toEqual([1, 1]);
    t = 99;
    expect(await c.get('a', load)).toBe(1);
    t = 100;
    expect(await c.get('a', load)).toBe(2);
    await expect(c.get('bad', () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(await c.get('bad', load)).toBe(3);
    await c.get('c', load); // evicts 'a' (oldest)
    expect(await c.get('a', load)).toBe(5);
    c.clear();
    expect(await c.get('c', load)).toBe(6);
    const off = createTtlCache<number>({ ttlMs: 0, max: 10 });
    expect(await off.get('k', load)).toBe(7);
    expect(await off.get('k', load)).toBe(8);
  });
});
