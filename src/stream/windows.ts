/**
 * Tumbling event-time windows (1 and 15 minutes by default) and the latest value per channel.
 *
 * Watermark per channel = newest event time seen - allowed lateness. A reading whose window ended at
 * or before the watermark is too late and is counted, not applied; a later reading inside the
 * lateness corrects its window, which is written again on the next flush. Each open window remembers
 * the timestamps it holds, so a duplicate (same channel and time, e.g. a replay after a crash) never
 * counts twice.
 */
import type { ReadingBatch } from '../domain/types.ts';
import type { LatestValue, WindowAggregate } from '../store/ports/live.ts';

/** The latest value and window records are persisted, so they are the store's port types. */
export type { LatestValue, WindowAggregate } from '../store/ports/live.ts';

/** Options of {@link createWindowAggregator}. */
export interface WindowOptions {
  widthsMs: readonly number[];
  allowedLatenessMs: number;
}

/** What a flush returns: windows changed since the last flush and changed latest values. */
export interface WindowFlush {
  windows: WindowAggregate[];
  latest: LatestValue[];
}

/** Stateful window aggregation over all channels. */
export interface WindowAggregator {
  /** Applies a batch. */
  process(batch: ReadingBatch): void;
  /** Windows and latest values changed since the previous flush; forgets windows that became final. */
  flush(): WindowFlush;
  /** Counters: readings applied, dropped as too late, ignored as duplicates. */
  stats(): { applied: number; late: number; duplicates: number; openWindows: number };
}

interface OpenWindow extends WindowAggregate {
  /** Timestamps applied, ascending: in-order data appends, late data is inserted after a binary search. */
  seen: number[];
  dirty: boolean;
}

/** Adds `ts` to the sorted list; false when it is already there (a duplicate). */
function addSorted(seen: number[], ts: number): boolean {
  const n = seen.length;
  if (n === 0 || ts > seen[n - 1]!) {
    seen.push(ts);
    return true;
  }
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (seen[mid]! < ts) lo = mid + 1;
    else hi = mid;
  }
  if (seen[lo] === ts) return false;
  seen.splice(lo, 0, ts);
  return true;
}

interface ChannelWindows {
  maxTs: number;
  latestTs: number;
  latestValue: number;
  latestDirty: boolean;
  open: Map<number, OpenWindow>[];
}

/** Creates a window aggregator. */
export function createWindowAggregator(opts: WindowOptions): WindowAggregator {
  const channels = new Map<string, ChannelWindows>();
  let applied = 0;
  let late = 0;
  let duplicates = 0;
  const widths = [...opts.widthsMs];
  const chOf = (id: string): ChannelWindows => {
    let c = channels.get(id);
    if (!c) {
      c = {
        maxTs: -Infinity,
        latestTs: -Infinity,
        latestValue: 0,
        latestDirty: false,
        open: widths.map(() => new Map()),
      };
      channels.set(id, c);
    }
    return c;
  };
  return {
    process(batch) {
      const perIndex = batch.channelIds.map(chOf);
      for (let i = 0; i < batch.length; i++) {
        const ci = batch.channel[i]!;
        const c = perIndex[ci]!;
        const ts = batch.ts[i]!;
        const v = batch.value[i]!;
        const watermark = Math.max(c.maxTs, ts) - opts.allowedLatenessMs;
        let isDup = false;
        let isLate = false;
        for (let w = 0; w < widths.length; w++) {
          const width = widths[w]!;
          const start = Math.floor(ts / width) * width;
          if (start + width <= watermark) {
            isLate = true;
            continue;
          }
          const open = c.open[w]!;
          let win = open.get(start);
          if (!win) {
            win = {
              channelId: batch.channelIds[ci]!,
              widthMs: width,
              start,
              count: 0,
              sum: 0,
              min: Infinity,
              max: -Infinity,
              final: false,
              seen: [],
              dirty: true,
            };
            open.set(start, win);
          }
          if (!addSorted(win.seen, ts)) {
            isDup = true;
            continue;
          }
          win.count++;
          win.sum += v;
          if (v < win.min) win.min = v;
          if (v > win.max) win.max = v;
          win.dirty = true;
        }
        if (isDup) duplicates++;
        else if (isLate) late++;
        else applied++;
        if (ts > c.maxTs) c.maxTs = ts;
        if (ts > c.latestTs) {
          c.latestTs = ts;
          c.latestValue = v;
          c.latestDirty = true;
        }
      }
    },
    flush() {
      const windows: WindowAggregate[] = [];
      const latest: LatestValue[] = [];
      for (const [id, c] of channels) {
        if (c.latestDirty) {
          latest.push({ channelId: id, ts: c.latestTs, value: c.latestValue });
          c.latestDirty = false;
        }
        const watermark = c.maxTs - opts.allowedLatenessMs;
        for (const open of c.open) {
          for (const [start, win] of open) {
            const final = win.start + win.widthMs <= watermark;
            if (win.dirty || final) {
              windows.push({
                channelId: win.channelId,
                widthMs: win.widthMs,
                start: win.start,
                count: win.count,
                sum: win.sum,
                min: win.min,
                max: win.max,
                final,
              });
              win.dirty = false;
            }
            if (final) open.delete(start);
          }
        }
      }
      return { windows, latest };
    },
    stats() {
      let openWindows = 0;
      for (const c of channels.values()) for (const o of c.open) openWindows += o.size;
      return { applied, late, duplicates, openWindows };
    },
  };
}
