/** Per-device token buckets: a flood from one device is refused without slowing the others. */

/** Readings a device may send per second, and the burst it may send at once. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/** Token buckets keyed by device. */
export interface RateLimiter {
  /** Takes `n` tokens from the device's bucket; false (and nothing taken) when there are not enough. */
  take(device: string, n: number): boolean;
}

/** Creates a limiter. */
export function createRateLimiter(limit: RateLimit, now: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(device, n) {
      const t = now();
      let b = buckets.get(device);
      if (!b) buckets.set(device, (b = { tokens: limit.burst, at: t }));
      b.tokens = Math.min(limit.burst, b.tokens + ((t - b.at) / 1000) * limit.perSecond);
      b.at = t;
      if (b.tokens < n) return false;
      b.tokens -= n;
      return true;
    },
  };
}
