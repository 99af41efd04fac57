/** One window's aggregate, as persisted. */
export interface WindowAggregate {
  channelId: string;
  /** Window width in ms (60000, 900000). */
  widthMs: number;
  /** Window start, UTC ms (aligned to the width). */
  start: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  /** Whether the watermark passed the window's end + lateness (no more corrections). */
  final: boolean;
}

/** The newest reading of a channel. */
export interface LatestValue {
  channelId: string;
  ts: number;
  value: number;
}

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
