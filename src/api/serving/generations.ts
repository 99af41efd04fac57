/**
 * What changed, as counters: every change names the tags it touches (`rollups`, `catalog`, `alerts`,
 * `live:<channel>`, `readings:<channel>`) and moves their generation forward. A cached answer keeps
 * the clock value read before it was loaded, and is current while none of its tags moved past it.
 * One object per server (or per composition root): no module state.
 */

/** Tags of the data the serving layer caches. */
export const TAG = {
  /** Hourly and daily rollups (a batch run committed). */
  rollups: 'rollups',
  /** Organisations, facilities, meters, channels (time zones, zip codes, names). */
  catalog: 'catalog',
  /** Alerts and their states. */
  alerts: 'alerts',
  /** The live layer's latest value of a channel. */
  live: (channelId: string) => `live:${channelId}`,
  /** Raw readings of a channel. */
  readings: (channelId: string) => `readings:${channelId}`,
} as const;

/** Change counters per tag. */
export interface Generations {
  /** Records that data under `tags` changed (call after the change committed). */
  changed(tags: Iterable<string>): void;
  /** The clock now: read it before loading what a cache entry will hold. */
  clock(): number;
  /** True when none of `tags` changed after `clock` was read. */
  unchangedSince(tags: readonly string[], clock: number): boolean;
}

/** Creates a {@link Generations}. */
export function createGenerations(): Generations {
  let now = 0;
  const last = new Map<string, number>();
  return {
    changed(tags) {
      now++;
      for (const t of tags) last.set(t, now);
    },
    clock: () => now,
    unchangedSince(tags, clock) {
      for (const t of tags) if ((last.get(t) ?? 0) > clock) return false;
      return true;
    },
  };
}
