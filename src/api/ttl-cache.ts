/**
 * A small time-bounded cache for hot read paths (credentials, access checks, rollup-derived views).
 * Entries expire after `ttlMs`; the oldest entries go first when `max` is reached. Each server owns
 * its caches (no module state), and mutations clear them.
 */

/** A TTL cache of promises: concurrent misses for one key share one load. */
export interface TtlCache<V> {
  /** The cached value, or the result of `load` (cached when it resolves; a rejection is not cached). */
  get(key: string, load: () => Promise<V>): Promise<V>;
  /** Forgets everything (after a change that may affect any entry). */
  clear(): void;
}

/** Creates a {@link TtlCache}. `ttlMs` 0 disables caching. */
export function createTtlCache<V>(opts: { ttlMs: number; max: number; now?: () => number }): TtlCache<V> {
  const now = opts.now ?? (() => performance.now());
  const entries = new Map<string, { until: number; value: Promise<V> }>();
  return {
    get(key, load) {
      if (opts.ttlMs <= 0) return load();
      const t = now();
      const hit = entries.get(key);
      if (hit && hit.until > t) return hit.value;
      if (hit) entries.delete(key);
      if (entries.size >= opts.max) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
      const value = load();
      entries.set(key, { until: t + opts.ttlMs, value });
      value.catch(() => {
        if (entries.get(key)?.value === value) entries.delete(key);
      });
      return value;
    },
    clear() {
      entries.clear();
    },
  };
}
