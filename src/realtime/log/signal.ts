/** Small waiting helpers shared by the log adapters. */

/** A condition others wait on: `wait()` resolves at the next `notify()`. */
export interface Notifier {
  /** Resolves at the next `notify()` (or at once when `signal` is already aborted, or when it aborts). */
  wait(signal?: AbortSignal): Promise<void>;
  /** Wakes every waiter. */
  notify(): void;
}

/** Creates a {@link Notifier}. */
export function createNotifier(): Notifier {
  let waiters: (() => void)[] = [];
  return {
    wait(signal) {
      if (signal?.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = (): void => {
          signal?.removeEventListener('abort', done);
          resolve();
        };
        waiters.push(done);
        signal?.addEventListener('abort', done, { once: true });
      });
    },
    notify() {
      const w = waiters;
      waiters = [];
      for (const f of w) f();
    },
  };
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
