/**
 * Login back-off per account, beside the per-address rate limit: failed logins of one account make the
 * next attempt wait, doubling with each failure, so that guessing one account's password from many
 * addresses is slow. It can never lock an account for good: each wait is capped, a waiting attempt is
 * refused without counting (it does not extend the wait), the count is forgotten after a quiet spell
 * and a successful login clears it.
 *
 * Two counters per attempt: the account from this client address (few free failures, long cap), and
 * the account from anywhere (more free failures, a short cap), so that someone failing from their own
 * address cannot make the owner wait more than the short cap elsewhere. State is in memory, per server
 * process (a restart forgets it).
 */

/** How a counter grows. */
export interface BackoffRule {
  /** Failures allowed before the first wait. */
  freeFailures: number;
  /** First wait; each further failure doubles it. */
  baseMs: number;
  /** Longest wait. */
  maxMs: number;
}

/** Options of {@link createLoginThrottle}. */
export interface LoginThrottleOptions {
  /** The account from one client address; default 5 free failures, 1 s doubling to 15 min. */
  perAddress: BackoffRule;
  /** The account from any address; default 20 free failures, 1 s doubling to 1 min. */
  perAccount: BackoffRule;
  /** A counter without failures this long is forgotten; default 24 h. */
  forgetAfterMs: number;
  /** Most counters kept (the oldest go first); default 100,000. */
  maxEntries: number;
}

/** Default {@link LoginThrottleOptions}. */
export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = {
  perAddress: { freeFailures: 5, baseMs: 1000, maxMs: 15 * 60_000 },
  perAccount: { freeFailures: 20, baseMs: 1000, maxMs: 60_000 },
  forgetAfterMs: 24 * 3600_000,
  maxEntries: 100_000,
};

/** Per-account login back-off. */
export interface LoginThrottle {
  /** Milliseconds the caller must wait before trying `login` from `address` again; 0 to go ahead. */
  waitMs(login: string, address: string): number;
  /** Records a failed attempt. */
  failed(login: string, address: string): void;
  /** Records a successful login: both counters of the account from this address start again. */
  succeeded(login: string, address: string): void;
}

interface Counter {
  failures: number;
  lastFailure: number;
  until: number;
}

/** Builds a {@link LoginThrottle} on a clock. */
export function createLoginThrottle(
  opts: Partial<LoginThrottleOptions> & { now: () => number },
): LoginThrottle {
  const o = { ...DEFAULT_LOGIN_THROTTLE, ...opts };
  const counters = new Map<string, Counter>();
  // Logins are case-insensitive e-mail addresses: "Alice@x" and "alice@x" are one account.
  const keys = (login: string, address: string) => {
    const account = login.trim().toLowerCase();
    return [
      { key: `a\u0000${account}\u0000${address}`, rule: o.perAddress },
      { key: `*\u0000${account}`, rule: o.perAccount },
    ];
  };
  const live = (key: string, t: number): Counter | undefined => {
    const c = counters.get(key);
    if (c && t - c.lastFailure > o.forgetAfterMs) {
      counters.delete(key);
      return undefined;
    }
    return c;
  };
  return {
    waitMs(login, address) {
      const t = opts.now();
      return Math.max(0, ...keys(login, address).map(({ key }) => (live(key, t)?.until ?? 0) - t));
    },
    failed(login, address) {
      const t = opts.now();
      for (const { key, rule } of keys(login, address)) {
        const c = live(key, t) ?? { failures: 0, lastFailure: t, until: 0 };
        c.failures++;
        c.lastFailure = t;
        const over = c.failures - rule.freeFailures;
        if (over > 0) c.until = t + Math.min(rule.maxMs, rule.baseMs * 2 ** Math.min(over - 1, 40));
        counters.delete(key); // re-inserted last: the map's order is the eviction order
        counters.set(key, c);
      }
      while (counters.size > o.maxEntries) counters.delete(counters.keys().next().value!);
    },
    succeeded(login, address) {
      for (const { key } of keys(login, address)) counters.delete(key);
    },
  };
}
