import type { LatestValue, WindowAggregate } from '../../stream/windows.ts';

/** Latest values and windowed (1/15 min) rollups from the stream layer. Owned by the real-time feature. */
export interface LiveRepo {
  /** Stores latest values; a stored value with a newer timestamp is kept. */
  upsertLatest(values: LatestValue[]): Promise<void>;
  /** Latest values, optionally of some channels. */
  getLatest(filter?: { channelIds?: string[] }): Promise<LatestValue[]>;
  /** Stores window aggregates, replacing the stored state of the same (channel, width, start). */
  upsertWindows(windows: WindowAggregate[]): Promise<void>;
  /** Windows of one channel and width that start in [from, to), by start. */
  listWindows(query: {
    channelId: string;
    widthMs: number;
    from: number;
    to: number;
  }): Promise<WindowAggregate[]>;
}
