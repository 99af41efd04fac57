/**
 * Deterministic randomness for the simulator. Two kinds, both derived from the user's seed and never
 * from Math.random:
 * - counter-based hashes (`hash32`, `unitAt`): random access by key, so a value at (meter, day, sample)
 *   is the same whatever range, order or worker generates it;
 * - a sequential generator (`createRng`, sfc32 seeded through splitmix32) for drawing a catalog entry
 *   or a day's schedule from a per-key seed.
 */

/** 32-bit integer mix (the murmur3 finaliser). */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hashes a sequence of integers (each taken modulo 2^32) to an unsigned 32-bit integer. */
export function hash32(...keys: number[]): number {
  let h = 0x9e3779b9;
  for (const k of keys) {
    h = fmix32((h ^ (k >>> 0)) + 0x7f4a7c15 + Math.imul(h, 31));
    // Keys above 2^32 (timestamps) also mix their high part.
    if (k > 0xffffffff || k < 0) h = fmix32(h ^ Math.floor(k / 4294967296));
  }
  return h;
}

/** Hashes a string to an unsigned 32-bit integer (FNV-1a then a mix). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return fmix32(h);
}

/** A uniform number in [0, 1) determined by three integer keys; the hot path's random access. */
export function unitAt(a: number, b: number, c: number): number {
  let h = fmix32((a ^ 0x2545f491) >>> 0);
  h = fmix32((h ^ b) >>> 0);
  h = fmix32((h ^ Math.imul(c, 0x27d4eb2f)) >>> 0);
  return h / 4294967296;
}

/** A sequential pseudo-random generator. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
}

/** Creates an sfc32 generator whose state comes from `seed` through splitmix32. */
export function createRng(seed: number): Rng {
  let s = seed >>> 0;
  const split = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  const next32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) next32();
  const next = (): number => next32() / 4294967296;
  return {
    next,
    int: (n) => Math.floor(next() * n),
    range: (lo, hi) => lo + (hi - lo) * next(),
    normal: () => {
      const u = 1 - next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
  };
}
