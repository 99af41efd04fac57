/**
 * Retention in a long-lived process (`loadscope start`): one run at a time, started by hand (the API)
 * or by the daily schedule, each on a lake opened for it and closed after (so a run's spool is
 * published before it returns). Stopping aborts a run between days; what it finished stays done.
 */
import type { Lake } from '../lake/port.ts';
import { type RetentionDeps, runRetention, runRetentionAll, type RetentionResult } from './run.ts';

/** Once a day. */
export const RETENTION_EVERY_MS = 86_400_000;
/** The first scheduled run waits this long after start, behind the start-up work (backfill, first batch). */
export const RETENTION_FIRST_AFTER_MS = 10 * 60_000;

/** Options of {@link createRetentionService}. */
export interface RetentionServiceOptions {
  store: RetentionDeps['store'];
  /** Opens the lake a run appends to (closed after the run). */
  openLake: () => Promise<Lake>;
  now: () => number;
  log: (line: string) => void;
  onError: (err: unknown) => void;
}

/** Runs retention now or on a schedule, one run at a time. */
export interface RetentionService {
  /** Runs for one organisation (after a run in progress). */
  run(orgId: string): Promise<RetentionResult>;
  /**
   * Starts a run for one organisation in the background, after a run in progress; nothing more when
   * one for it is waiting or running already.
   */
  start(orgId: string): void;
  /** Whether a run (of any organisation) is in progress. */
  running(): boolean;
  /** Runs every organisation every `everyMs`, the first after `firstAfterMs`. */
  schedule(everyMs?: number, firstAfterMs?: number): void;
  /** Stops the schedule and waits for a run in progress (aborted between days). */
  stop(): Promise<void>;
}

/** Creates the service. */
export function createRetentionService(opts: RetentionServiceOptions): RetentionService {
  const abort = new AbortController();
  let current: Promise<unknown> | undefined;
  const timers: NodeJS.Timeout[] = [];
  /** Organisations whose run by hand is waiting or running. */
  const asked = new Set<string>();
  const exclusive = async <T>(fn: (lake: Lake) => Promise<T>): Promise<T> => {
    while (current) await current.catch(() => undefined);
    const run = (async () => {
      const lake = await opts.openLake();
      try {
        return await fn(lake);
      } finally {
        await lake.close();
      }
    })();
    current = run;
    try {
      return await run;
    } finally {
      current = undefined;
    }
  };
  const deps = (lake: Lake) => ({
    store: opts.store,
    lake,
    now: opts.now,
    signal: abort.signal,
    log: opts.log,
  });
  const svc: RetentionService = {
    run: (orgId) => exclusive((lake) => runRetention(deps(lake), orgId)),
    start(orgId) {
      if (asked.has(orgId)) return;
      asked.add(orgId);
      svc
        .run(orgId)
        .catch(opts.onError)
        .finally(() => asked.delete(orgId));
    },
    running: () => current !== undefined || asked.size > 0,
    schedule(everyMs = RETENTION_EVERY_MS, firstAfterMs = RETENTION_FIRST_AFTER_MS) {
      const all = () => {
        if (abort.signal.aborted || current) return;
        exclusive((lake) => runRetentionAll(deps(lake)))
          .then((rs) => {
            for (const r of rs)
              if (r.deleted || r.minutesDeleted)
                opts.log(
                  `retention ${r.orgId}: ${r.copied} copied to the lake, ${r.deleted} deleted, ${r.minutesDeleted} minute rows deleted`,
                );
          })
          .catch(opts.onError);
      };
      const first = setTimeout(() => {
        all();
        const every = setInterval(all, everyMs);
        every.unref();
        timers.push(every);
      }, firstAfterMs);
      first.unref();
      timers.push(first);
    },
    async stop() {
      for (const t of timers) clearTimeout(t);
      abort.abort();
      await current?.catch(() => undefined);
    },
  };
  return svc;
}
