/**
 * Writes what the window aggregator flushes (window states, latest values) to `store.live` so that
 * one channel's rows can never cost another channel its rows. The aggregator hands each changed row
 * over once, so a failed write must not simply drop it: the flush's rows are written in one
 * statement; when that fails they are written channel by channel, and rows that still fail are kept
 * for the next flush (a newer state of the same row replaces them). A channel whose rows fail
 * `maxAttempts` flushes in a row is reported and dropped, and later states of a dropped window are
 * not tried again, so a poisoned row stops failing (and costing a statement per channel) at every
 * reading. When the store does not answer a read either, it is down rather than one row bad: every
 * row is kept without counting attempts (and without a statement per channel each second).
 */
import { StoreError } from '../errors.ts';
import type { LiveRepo } from '../store/ports/live.ts';
import type { LatestValue, WindowAggregate, WindowFlush } from '../stream/windows.ts';

/** Options of {@link createLiveWriter}. */
export interface LiveWriterOptions {
  /** Flushes a channel's rows may fail before they are dropped; default 3. */
  maxAttempts?: number;
  /** Rows kept per table while the store is down; the oldest go first beyond it. Default 100,000. */
  maxPending?: number;
  /** Receives each dropped channel's error and each failed flush. */
  onError?: (err: unknown) => void;
}

/** Writes flushes of the window aggregator. */
export interface LiveWriter {
  /** Writes a flush and whatever earlier flushes left pending. Never throws. */
  write(flush: WindowFlush): Promise<void>;
  /** Rows waiting for a retry (windows and latest values). */
  pending(): number;
}

interface Pending<T> {
  row: T;
  attempts: number;
}

/** A table of rows keyed for replacement, written as a whole or channel by channel. */
interface Table<T extends { channelId: string }> {
  name: string;
  key: (row: T) => string;
  upsert: (rows: T[]) => Promise<void>;
  rows: Map<string, Pending<T>>;
  /**
   * Keys of dropped rows whose later states are refused without a try (a window keeps its poison as
   * it grows); undefined when a later state may well succeed (a latest value is a new value).
   */
  dropped?: Set<string>;
}

// Dropped window keys remembered; the oldest are forgotten beyond it (a window is final in minutes).
const MAX_DROPPED = 10_000;

// A channel id no channel has: reading it asks the store whether it answers, nothing more.
const PROBE_CHANNEL = ' live-writer-probe';

/** Creates a writer over a live repository. */
export function createLiveWriter(live: LiveRepo, opts: LiveWriterOptions = {}): LiveWriter {
  const maxAttempts = opts.maxAttempts ?? 3;
  const maxPending = opts.maxPending ?? 100_000;
  const onError = opts.onError ?? (() => undefined);
  const windows: Table<WindowAggregate> = {
    name: 'live windows',
    key: (w) => `${w.channelId}\u0000${w.widthMs}\u0000${w.start}`,
    upsert: (rows) => live.upsertWindows(rows),
    rows: new Map(),
    dropped: new Set(),
  };
  const latest: Table<LatestValue> = {
    name: 'latest values',
    key: (v) => v.channelId,
    upsert: (rows) => live.upsertLatest(rows),
    rows: new Map(),
  };

  async function writeTable<T extends { channelId: string }>(t: Table<T>, fresh: T[]): Promise<void> {
    for (const row of fresh) {
      const k = t.key(row);
      if (t.dropped?.has(k)) continue;
      // A newer state of a pending row replaces it but inherits its failures.
      t.rows.set(k, { row, attempts: t.rows.get(k)?.attempts ?? 0 });
    }
    if (t.rows.size === 0) return;
    if (t.rows.size > maxPending) {
      const excess = t.rows.size - maxPending;
      let n = 0;
      for (const k of t.rows.keys()) if (n++ < excess) t.rows.delete(k);
      onError(new StoreError('live', `keeping ${t.name} (${excess} oldest pending rows dropped)`));
    }
    try {
      await t.upsert([...t.rows.values()].map((p) => p.row));
      t.rows.clear();
      return;
    } catch (err) {
      onError(err);
    }
    if (!(await storeAnswers())) return; // the store is down: keep every row for the next flush
    const byChannel = new Map<string, string[]>();
    for (const [k, p] of t.rows) {
      const keys = byChannel.get(p.row.channelId);
      if (keys) keys.push(k);
      else byChannel.set(p.row.channelId, [k]);
    }
    for (const [channelId, keys] of byChannel) {
      try {
        await t.upsert(keys.map((k) => t.rows.get(k)!.row));
        for (const k of keys) t.rows.delete(k);
      } catch (cause) {
        const attempts = Math.max(...keys.map((k) => ++t.rows.get(k)!.attempts));
        if (attempts < maxAttempts) continue;
        for (const k of keys) {
          t.rows.delete(k);
          t.dropped?.add(k);
        }
        if (t.dropped && t.dropped.size > MAX_DROPPED)
          for (const k of t.dropped) if (t.dropped.size > MAX_DROPPED) t.dropped.delete(k);
        onError(
          new StoreError(
            'live',
            `writing ${t.name} of channel '${channelId}' (dropped after ${attempts} attempts)`,
            { cause },
          ),
        );
      }
    }
  }

  /** Whether the store answers at all: when it does not, no row is to blame. */
  const storeAnswers = (): Promise<boolean> =>
    live.getLatest({ channelIds: [PROBE_CHANNEL] }).then(
      () => true,
      () => false,
    );

  return {
    async write(flush) {
      // Separate tables: a failure in window rows does not hold latest values back.
      await writeTable(windows, flush.windows);
      await writeTable(latest, flush.latest);
    },
    pending: () => windows.rows.size + latest.rows.size,
  };
}
