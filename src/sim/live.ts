/**
 * `createLiveFeed`: the fleet's readings paced in real time x speed. Optionally backfills N days up to
 * `startAt` as fast as possible, then emits each reading once its interval has ended on the simulated
 * clock (a 5-minute reading stamped 10:00 is sent at 10:05). Speed Infinity runs the clock as fast as
 * generation allows. Clock and sleep are injectable for tests.
 */
import type { ReadingBatch } from '../domain/types.ts';
import { ConfigError } from '../errors.ts';
import type { Fleet } from './fleet.ts';
import { DAY_MS } from './model/calendar.ts';
import { allocBatch, appendMeterDay, generateReadings, selectMeters } from './readings.ts';
import { type MeterDay, ScheduleCache, renderMeterDay } from './render.ts';

/** Options of {@link createLiveFeed}. */
export interface LiveFeedOptions {
  /** Simulated time per wall-clock time; Infinity = as fast as possible. Default 1. */
  speed?: number;
  /** Simulated start time (UTC ms); default the wall clock now. */
  startAt?: number;
  /** Days of history emitted first, as fast as possible, ending at `startAt`. Default 0. */
  backfillDays?: number;
  /** Stop at this simulated time (exclusive); default never (until aborted). */
  endAt?: number;
  /** Stops the feed; the iterator then ends normally. */
  signal?: AbortSignal;
  /** Wall-clock time between emissions, ms (default 1000, less when speed is high). */
  tickMs?: number;
  /** Readings per batch (default 65,536). */
  batchSize?: number;
  /** Only these meters (by id). */
  meterIds?: ReadonlySet<string>;
  /** Wall clock, ms (default Date.now). */
  now?: () => number;
  /** Waits `ms` or until aborted (default a timer). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** Creates a live feed of `fleet`'s readings. */
export async function* createLiveFeed(
  fleet: Fleet,
  opts: LiveFeedOptions = {},
): AsyncGenerator<ReadingBatch> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? defaultSleep;
  const speed = opts.speed ?? 1;
  if (!(speed > 0))
    throw new ConfigError('sim.speed', `expected a positive speed (or Infinity), got ${speed}`);
  const startAt = opts.startAt ?? now();
  const backfillDays = opts.backfillDays ?? 0;
  if (!(backfillDays >= 0))
    throw new ConfigError('sim.backfillDays', `expected 0 or more days, got ${backfillDays}`);
  const endAt = opts.endAt ?? Infinity;
  const batchSize = opts.batchSize ?? 65_536;
  const range = opts.meterIds ? { meterIds: opts.meterIds } : {};
  const meters = selectMeters(fleet, range);
  if (backfillDays > 0) {
    for await (const b of generateReadings(fleet, {
      from: startAt - backfillDays * DAY_MS,
      to: Math.min(startAt, endAt),
      batchSize,
      ...range,
    })) {
      if (opts.signal?.aborted) return;
      yield b;
    }
  }
  // Rendered meter-days of the current and previous UTC day, by meter index.
  const days = new Map<number, Map<number, MeterDay>>();
  const cache = new ScheduleCache();
  const meterDay = (mi: number, day: number): MeterDay => {
    let byMeter = days.get(day);
    if (!byMeter) {
      days.set(day, (byMeter = new Map()));
      for (const d of days.keys()) if (d < day - 1) days.delete(d);
    }
    let md = byMeter.get(mi);
    if (!md)
      byMeter.set(mi, (md = renderMeterDay(fleet, fleet.sim[mi] as (typeof fleet.sim)[number], day, cache)));
    return md;
  };
  const wall0 = now();
  const tick = opts.tickMs ?? (Number.isFinite(speed) ? Math.max(50, Math.min(1000, 60_000 / speed)) : 0);
  // Emitted so far: readings whose interval ended at or before `done` (simulated time).
  let done = startAt;
  while (!opts.signal?.aborted && done < endAt) {
    const simNow = Number.isFinite(speed) ? startAt + (now() - wall0) * speed : done + DAY_MS / 4;
    const target = Math.min(simNow, endAt);
    if (target > done) {
      const state = { batch: allocBatch(fleet.channelIds, batchSize) };
      const ready: ReadingBatch[] = [];
      for (const m of meters) {
        const step = m.model.stepMs;
        // Timestamps t with done < t + step <= target, and never before startAt (the backfill's end).
        const from = Math.max(startAt, Math.floor((done - step) / step) * step + step);
        const to = Math.floor((target - step) / step) * step + 1;
        if (to <= from) continue;
        for (let day = Math.floor(from / DAY_MS); day * DAY_MS < to; day++) {
          appendMeterDay(fleet, m, meterDay(m.index, day), from, to, state, (b) => ready.push(b));
        }
      }
      if (state.batch.length) ready.push(state.batch);
      done = target;
      for (const b of ready) {
        if (opts.signal?.aborted) return;
        yield b;
      }
    }
    if (done >= endAt) return;
    if (tick > 0) await sleep(tick, opts.signal);
  }
}
