/**
 * Runs the batch layer periodically inside a long-lived process (`loadscope start`): incremental runs over
 * what changed since the last one, never two at a time, so rollups and p97 thresholds follow live data.
 * A run that fails (reported to `onError`) leaves its changes pending, and the next tick retries them.
 */
import { runBatch, type BatchSummary } from './run-batch.ts';
import type { Store } from '../store/store.ts';
import { priceMeters } from '../cost/price-meters.ts';

/** A running schedule. */
export interface BatchSchedule {
  /** Runs a batch now (waits for a running one first); resolves with its summary. */
  runNow(opts?: { full?: boolean }): Promise<BatchSummary>;
  /** Stops the timer and waits for a running batch to end. */
  stop(): Promise<void>;
}

/** Starts running the batch layer every `everyMs`. */
export function startBatchSchedule(opts: {
  store: Store;
  everyMs: number;
  now?: () => number;
  /** Called after each run (the real-time layer reloads thresholds here). */
  onRun?: (s: BatchSummary) => Promise<void> | void;
  onError: (err: unknown) => void;
}): BatchSchedule {
  const now = opts.now ?? Date.now;
  let running: Promise<BatchSummary> | undefined;
  let stopped = false;
  const run = async (full: boolean): Promise<BatchSummary> => {
    while (running) await running.catch(() => undefined);
    running = (async () => {
      const summary = await runBatch(
        {
          rollups: opts.store.rollups,
          changes: opts.store.readings,
          now,
          costs: (scope) => priceMeters(opts.store, scope),
          retention: opts.store.retention,
        },
        { full },
      );
      await opts.onRun?.(summary);
      return summary;
    })();
    try {
      return await running;
    } finally {
      running = undefined;
    }
  };
  const timer = setInterval(() => {
    if (!stopped && !running) run(false).catch(opts.onError);
  }, opts.everyMs);
  timer.unref();
  return {
    runNow: (o = {}) => run(o.full ?? false),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
