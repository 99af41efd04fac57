/**
 * The serving layer's cache: answers computed once from the store and kept until what they were made
 * from changes. An entry is dropped as soon as one of its tags changes in this process (the store is
 * wrapped by notifyingStore, so the batch, imports and the live layer all report their writes). The
 * TTL only bounds changes made by other processes (a PostgreSQL worker or CLI): past it, the entry is
 * still served once while a fresh load runs in the background (for up to another TTL), so a hot key
 * never makes its callers wait for the store and expiring keys do not all reload at once.
 */
import type { Generations } from './generations.ts';

/** A cache of promises keyed by string, each entry tagged with what it was computed from. */
export interface ServingCache<V> {
  /** The cached value when current, else the result of `load` (a rejection is not cached). */
  get(key: string, tags: readonly string[], load: () => Promise<V>): Promise<V>;
  /** Forgets everything. */
  clear(): void;
}

interface Entry<V> {
  clock: number;
  loadedAt: number;
  tags: readonly string[];
  value: Promise<V>;
  refreshing: boolean;
}

/** Creates a {@link ServingCache}; `ttlMs` 0 disables it (every get loads). */
export function createServingCache<V>(opts: {
  generations: Generations;
  ttlMs: number;
  max: number;
  now?: () => number;
}): ServingCache<V> {
  const { generations: gen, ttlMs, max } = opts;
  const now = opts.now ?? (() => performance.now());
  const entries = new Map<string, Entry<V>>();

  const put = (key: string, tags: readonly string[], load: () => Promise<V>): Entry<V> => {
    if (!entries.has(key) && entries.size >= max) {
      const oldest = entries.keys().next();
      if (!oldest.done) entries.delete(oldest.value);
    }
    const e: Entry<V> = { clock: gen.clock(), loadedAt: now(), tags, value: load(), refreshing: false };
    entries.set(key, e);
    e.value.catch(() => {
      if (entries.get(key) === e) entries.delete(key);
    });
    return e;
  };

  const refresh = (key: string, old: Entry<V>, load: () => Promise<V>) => {
    old.refreshing = true;
    const clock = gen.clock();
    const loadedAt = now();
    load().then(
      (v) => {
        if (entries.get(key) !== old) return;
        entries.set(key, { clock, loadedAt, tags: old.tags, value: Promise.resolve(v), refreshing: false });
      },
      () => {
        old.refreshing = false;
      },
    );
  };

  return {
    get(key, tags, load) {
      if (ttlMs <= 0) return load();
      const hit = entries.get(key);
      if (hit && gen.unchangedSince(hit.tags, hit.clock)) {
        const age = now() - hit.loadedAt;
        if (age < ttlMs) return hit.value;
        if (age < 2 * ttlMs) {
          if (!hit.refreshing) refresh(key, hit, load);
          return hit.value;
        }
      }
      return put(key, tags, load).value;
    },
    clear() {
      entries.clear();
    },
  };
}
