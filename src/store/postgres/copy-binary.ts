import type { ReadingBatch } from '../../domain/types.ts';
import type { MinuteColumns } from '../readings-batch.ts';

/** PostgreSQL's binary COPY header: signature, flags, header extension length. */
const HEADER = 19;

function header(buf: Buffer): void {
  buf.write('PGCOPY\n\xff\r\n\0', 0, 'latin1');
  buf.writeInt32BE(0, 11);
  buf.writeInt32BE(0, 15);
}

/**
 * Encodes readings in PostgreSQL's binary COPY format for columns (channel_key INTEGER, ts BIGINT,
 * value DOUBLE PRECISION, quality SMALLINT): 40 bytes a row, no text formatting. `order`, when
 * given, lists the reading indexes in the order the rows are to be written.
 */
export function encodeBinaryCopy(keys: Int32Array, batch: ReadingBatch, order?: Uint32Array): Buffer {
  const n = batch.length;
  const buf = Buffer.allocUnsafe(HEADER + n * 40 + 2);
  header(buf);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let o = HEADER;
  for (let j = 0; j < n; j++) {
    const i = order === undefined ? j : (order[j] as number);
    const t = batch.ts[i] as number;
    const hi = Math.floor(t / 4294967296);
    view.setInt16(o, 4);
    view.setInt32(o + 2, 4);
    view.setInt32(o + 6, keys[i] as number);
    view.setInt32(o + 10, 8);
    view.setInt32(o + 14, hi);
    view.setUint32(o + 18, t - hi * 4294967296);
    view.setInt32(o + 22, 8);
    view.setFloat64(o + 26, batch.value[i] as number);
    view.setInt32(o + 34, 2);
    view.setInt16(o + 38, batch.quality[i] as number);
    o += 40;
  }
  view.setInt16(o, -1);
  return buf;
}

/**
 * Encodes per-minute aggregates in binary COPY format for reading_minutes (channel_key INTEGER,
 * minute BIGINT, min_v, max_v, sum_v DOUBLE PRECISION, n INTEGER, pair_e DOUBLE PRECISION, pair_cov,
 * max_dt, first_ts, last_ts BIGINT, last_v DOUBLE PRECISION, edge SMALLINT): 144 bytes a row.
 */
export function encodeMinutesCopy(m: MinuteColumns): Buffer {
  const buf = Buffer.allocUnsafe(HEADER + m.length * 144 + 2);
  header(buf);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let o = HEADER;
  // Int64 columns hold little-endian word pairs (low, high); COPY wants big-endian high then low.
  const int64 = (a: Int32Array, j: number) => {
    view.setInt32(o, 8);
    view.setInt32(o + 4, a[2 * j + 1] as number);
    view.setInt32(o + 8, a[2 * j] as number);
    o += 12;
  };
  const float64 = (a: Float64Array, j: number) => {
    view.setInt32(o, 8);
    view.setFloat64(o + 4, a[j] as number);
    o += 12;
  };
  const int32 = (x: number) => {
    view.setInt32(o, 4);
    view.setInt32(o + 4, x);
    o += 8;
  };
  for (let j = 0; j < m.length; j++) {
    view.setInt16(o, 13);
    o += 2;
    int32(m.key[j] as number);
    int64(m.minute64, j);
    float64(m.min, j);
    float64(m.max, j);
    float64(m.sum, j);
    int32(m.n[j] as number);
    float64(m.pairE, j);
    int64(m.pairCov64, j);
    int64(m.maxDt64, j);
    int64(m.firstTs64, j);
    int64(m.lastTs64, j);
    float64(m.lastV, j);
    view.setInt32(o, 2);
    view.setInt16(o + 4, m.edge[j] as number);
    o += 6;
  }
  view.setInt16(o, -1);
  return buf;
}

/**
 * The reading indexes grouped by channel (a stable counting sort on the channel index), so that a
 * batch whose timestamps increase per channel comes out in primary-key order per channel: each
 * channel's rows then land on the same few index leaf pages one after another.
 */
export function orderByChannel(batch: ReadingBatch, keys: Int32Array): Uint32Array {
  const slots = batch.channelIds.length;
  const keyOfSlot = new Int32Array(slots);
  const count = new Uint32Array(slots);
  for (let i = 0; i < batch.length; i++) {
    const c = batch.channel[i] as number;
    count[c] = (count[c] as number) + 1;
    keyOfSlot[c] = keys[i] as number;
  }
  // Channels in ascending key order, so that two writers take index pages in the same order.
  const slotsByKey = Array.from({ length: slots }, (_, c) => c)
    .filter((c) => count[c] !== 0)
    .sort((a, b) => (keyOfSlot[a] as number) - (keyOfSlot[b] as number));
  const start = new Uint32Array(slots);
  let at = 0;
  for (const c of slotsByKey) {
    start[c] = at;
    at += count[c] as number;
  }
  const order = new Uint32Array(batch.length);
  for (let i = 0; i < batch.length; i++) {
    const c = batch.channel[i] as number;
    order[start[c] as number] = i;
    start[c] = (start[c] as number) + 1;
  }
  return order;
}
