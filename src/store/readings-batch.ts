/**
 * What the adapters' reading write and read paths share: checking a batch and mapping it to channel
 * keys, change-log tokens, downsampling buckets and minute aggregates. Implementation, so outside the
 * port files.
 */
import type { ReadingBatch } from '../domain/types.ts';
import { InputError } from '../errors.ts';
import type { ReadingChange, ChangeToken, PeekedChanges } from './ports/readings.ts';

/** Earliest and latest timestamps a store accepts (1900-01-01 and 2200-01-01 UTC). */
export const TS_RANGE = { min: -2208988800000, max: 7258118400000 } as const;

/** A batch checked and mapped to channel keys, ready for an adapter to stage. */
export interface PreparedBatch {
  /** Channel key per reading. */
  keys: Int32Array;
  minTs: number;
  maxTs: number;
  minKey: number;
  maxKey: number;
  /**
   * True when every channel's timestamps strictly increase through the batch, which proves the batch
   * holds no (channel, timestamp) twice; adapters then skip the in-batch deduplication.
   */
  increasing: boolean;
  /** Per channel used by the batch: its key and the earliest and latest timestamp in the batch. */
  ranges: { key: number; from: number; to: number }[];
}

/**
 * Checks a batch and maps it to channel keys. `keyOf` resolves the channel ids the batch uses (all at
 * once) and returns undefined for unknown ids. Throws InputError naming the reading, its channel and
 * field, or the unknown channel.
 */
export async function prepareBatch(
  batch: ReadingBatch,
  keyOf: (ids: string[]) => Promise<Map<string, number>>,
  makeError: (message: string, field: string) => Error,
): Promise<PreparedBatch> {
  const n = batch.length;
  const used = new Uint8Array(batch.channelIds.length);
  for (let i = 0; i < n; i++) {
    const c = batch.channel[i] ?? -1;
    if (c < 0 || c >= used.length)
      throw makeError(
        `reading ${i}: channel index ${c} is outside channelIds (length ${used.length})`,
        'channel',
      );
    used[c] = 1;
  }
  const ids = batch.channelIds.filter((_, c) => used[c] === 1);
  const known = await keyOf(ids);
  const keyByIndex = new Int32Array(used.length);
  for (let c = 0; c < used.length; c++) {
    if (used[c] !== 1) continue;
    const id = batch.channelIds[c] ?? '';
    const key = known.get(id);
    if (key === undefined)
      throw makeError(
        `unknown channel '${id}': upsert it into the catalog before writing its readings`,
        'channel',
      );
    keyByIndex[c] = key;
  }
  const keys = new Int32Array(n);
  const last = new Float64Array(used.length).fill(-Infinity);
  const first = new Float64Array(used.length).fill(Infinity);
  let increasing = true;
  let minTs = Infinity;
  let maxTs = -Infinity;
  let minKey = 2147483647;
  let maxKey = -2147483648;
  const { ts, value, quality, channel } = batch;
  for (let i = 0; i < n; i++) {
    const c = channel[i] as number;
    const t = ts[i] as number;
    const v = value[i] as number;
    const q = quality[i] as number;
    if (!(t >= TS_RANGE.min && t <= TS_RANGE.max) || Math.floor(t) !== t) {
      throw makeError(
        `reading ${i} of channel '${batch.channelIds[c]}': timestamp ${t} is not whole UTC milliseconds between 1900 and 2200`,
        'ts',
      );
    }
    if (!Number.isFinite(v))
      throw makeError(
        `reading ${i} of channel '${batch.channelIds[c]}': value ${v} is not a finite number`,
        'value',
      );
    if (q > 3)
      throw makeError(`reading ${i} of channel '${batch.channelIds[c]}': quality ${q} is not 0-3`, 'quality');
    const k = keyByIndex[c] as number;
    keys[i] = k;
    if (t <= (last[c] as number)) increasing = false;
    if (t < (first[c] as number)) first[c] = t;
    last[c] = increasing ? t : Math.max(t, last[c] as number);
    if (t < minTs) minTs = t;
    if (t > maxTs) maxTs = t;
    if (k < minKey) minKey = k;
    if (k > maxKey) maxKey = k;
  }
  const ranges: PreparedBatch['ranges'] = [];
  for (let c = 0; c < used.length; c++)
    if (used[c] === 1)
      ranges.push({ key: keyByIndex[c] as number, from: first[c] as number, to: last[c] as number });
  return { keys, minTs, maxTs, minKey, maxKey, increasing, ranges };
}

/** Merges overlapping ranges of the same channel; input in any order, output by channel then time. */
export function mergeChanges(changes: ReadingChange[]): ReadingChange[] {
  const sorted = [...changes].sort((a, b) =>
    a.channelId < b.channelId ? -1 : a.channelId > b.channelId ? 1 : a.from - b.from,
  );
  const out: ReadingChange[] = [];
  for (const c of sorted) {
    const prev = out[out.length - 1];
    if (prev && prev.channelId === c.channelId && c.from <= prev.to) prev.to = Math.max(prev.to, c.to);
    else out.push({ ...c });
  }
  return out;
}

/**
 * The token of a peek that returned the change-log entries numbered `seqs` (any order): runs of
 * consecutive numbers, `lo-hi` joined by commas. Runs, not a high-water mark, because in PostgreSQL a
 * writer can take a lower number than an entry already visible and commit after the peek; its entry
 * must survive the ack. Peeks return few runs: numbers are handed out in order and gaps are rare.
 */
export function changeToken(seqs: number[]): ChangeToken {
  const runs: [number, number][] = [];
  for (const n of [...seqs].sort((x, y) => x - y)) {
    const last = runs[runs.length - 1];
    if (last && n <= last[1] + 1) last[1] = n;
    else runs.push([n, n]);
  }
  return runs.map(([lo, hi]) => `${lo}-${hi}`).join(',') as ChangeToken;
}

/**
 * A peek from change-log rows (`seq`, channel `id`, `from_ts`, `to_ts`, numbers or bigints). A row
 * whose channel is gone (`id` null) is not returned but is in the token, so that the ack clears it.
 */
export function peekedChanges(rows: Record<string, unknown>[]): PeekedChanges {
  const changes: ReadingChange[] = [];
  for (const r of rows) {
    if (r['id'] === null || r['id'] === undefined) continue;
    changes.push({ channelId: String(r['id']), from: Number(r['from_ts']), to: Number(r['to_ts']) });
  }
  return { changes: mergeChanges(changes), token: changeToken(rows.map((r) => Number(r['seq']))) };
}

/** The runs `[lo, hi]` (inclusive) of change-log numbers a token names; throws InputError when no peek made it. */
export function changeTokenRuns(token: ChangeToken): [number, number][] {
  if (token === '') return [];
  return token.split(',').map((run) => {
    const m = /^(\d{1,15})-(\d{1,15})$/.exec(run);
    const lo = Number(m?.[1]);
    const hi = Number(m?.[2]);
    if (!m || hi < lo)
      throw new InputError(`'${String(token).slice(0, 80)}' is not a change token from peekChanges`, {
        field: 'token',
      });
    return [lo, hi];
  });
}

/** A validated downsampling request in whole milliseconds: bucket i covers [from + i*span/buckets, from + (i+1)*span/buckets). */
export interface BucketQuery {
  from: number;
  to: number;
  span: number;
  buckets: number;
}

/** Most buckets one downsample call may ask for. */
export const MAX_BUCKETS = 100_000;

/** Checks and rounds a downsampling request; throws InputError naming the bad field. */
export function bucketQuery(from: number, to: number, buckets: number): BucketQuery {
  if (!(Number.isInteger(buckets) && buckets > 0 && buckets <= MAX_BUCKETS)) {
    throw new InputError(`buckets must be a whole number from 1 to ${MAX_BUCKETS}, got ${buckets}`, {
      field: 'buckets',
    });
  }
  const f = Math.ceil(from);
  const t = Math.ceil(to);
  if (!(f >= TS_RANGE.min && t <= TS_RANGE.max))
    throw new InputError(`'from' and 'to' must lie between 1900 and 2200`, { field: 'from' });
  if (!(t > f)) throw new InputError(`'to' (${to}) must be after 'from' (${from})`, { field: 'to' });
  return { from: f, to: t, span: t - f, buckets };
}

/**
 * Whether to downsample from per-minute aggregates: buckets at least 10 minutes wide (so that the
 * aggregates pay off) and at most 5,000 of them (so that the list of cut minutes stays short).
 */
export function useMinutes(q: BucketQuery): boolean {
  return q.span / q.buckets >= 600_000 && q.buckets <= 5000;
}

/** The start (UTC ms) of the minute holding `x`. */
export function floorMinute(x: number): number {
  return x - (((x % 60000) + 60000) % 60000);
}

/**
 * Starts of the minutes that a bucket edge or an end of [from, to) cuts, ascending. Downsampling
 * reads these minutes raw and every other minute of the range from the per-minute aggregates.
 */
export function cutMinutes(q: BucketQuery): number[] {
  const { from, to, span, buckets } = q;
  const out: number[] = [];
  const add = (m: number) => {
    if (out[out.length - 1] !== m) out.push(m);
  };
  if (floorMinute(from) !== from) add(floorMinute(from));
  for (let i = 1; i < buckets; i++) {
    // First millisecond of bucket i: the smallest x with (x - from) * buckets >= i * span.
    const edge = from + Number((BigInt(i) * BigInt(span) + BigInt(buckets) - 1n) / BigInt(buckets));
    if (floorMinute(edge) !== edge) add(floorMinute(edge));
  }
  if (floorMinute(to) !== to) add(floorMinute(to));
  return out;
}

/**
 * Per channel and minute aggregates of a batch, in columns (see {@link minuteAggregates}). Int64
 * columns are little-endian word pairs (two Int32 per row), as the DuckDB appender and COPY take them.
 */
export interface MinuteColumns {
  key: Int32Array;
  /** Minute start, UTC ms. */
  minute64: Int32Array;
  min: Float64Array;
  max: Float64Array;
  sum: Float64Array;
  n: Int32Array;
  /**
   * Sum of value x (next ts - ts) over the row's readings whose next reading of the channel is in
   * the same write (raw unit x ms): the left-hold integral the batch layer needs, known at ingest.
   */
  pairE: Float64Array;
  /** Sum of those steps (next ts - ts), ms. */
  pairCov64: Int32Array;
  /** Longest of those steps, ms (0 without any). */
  maxDt64: Int32Array;
  /** First and last reading's time in the row, and the last reading's value. */
  firstTs64: Int32Array;
  lastTs64: Int32Array;
  lastV: Float64Array;
  /**
   * Bit 1: the row holds the first reading of its channel in the write (a run start); bit 2: the
   * last (a run end, whose next reading only a later write or the batch layer knows).
   */
  edge: Uint8Array;
  length: number;
}

/** Minute-row columns and their bytes per row, in table order (the appender and COPY order). */
export function minuteColumnList(m: MinuteColumns): (Int32Array | Float64Array | Uint8Array)[] {
  return [
    m.key,
    m.minute64,
    m.min,
    m.max,
    m.sum,
    m.n,
    m.pairE,
    m.pairCov64,
    m.maxDt64,
    m.firstTs64,
    m.lastTs64,
    m.lastV,
    m.edge,
  ];
}

/** Bytes per row of each column of {@link minuteColumnList}. */
export const MINUTE_COLUMN_SIZES = [4, 8, 8, 8, 8, 4, 8, 8, 8, 8, 8, 8, 1] as const;

function setWords(a: Int32Array, j: number, x: number): void {
  const w = Math.floor(x / 4294967296);
  a[2 * j] = x - w * 4294967296;
  a[2 * j + 1] = w;
}

/**
 * Aggregates a batch whose timestamps strictly increase per channel into per (channel, minute) rows
 * in one pass: each channel's open minute is emitted when its next reading leaves it. A reading's
 * step to the next reading of its channel is added to the reading's own minute (even when the next
 * reading lies in a later minute), so that the batch layer reads energy from these rows and only
 * joins the runs of consecutive writes at their ends (the rows flagged in `edge`). The result may
 * share `reuse`'s arrays (a previous result, no longer read), whose first `length` rows it overwrites.
 */
export function minuteAggregates(
  batch: ReadingBatch,
  p: PreparedBatch,
  reuse?: MinuteColumns,
): MinuteColumns {
  const slots = batch.channelIds.length;
  const open = new Float64Array(slots).fill(NaN);
  const lo = new Float64Array(slots);
  const hi = new Float64Array(slots);
  const sm = new Float64Array(slots);
  const cnt = new Int32Array(slots);
  const pe = new Float64Array(slots);
  const pc = new Float64Array(slots);
  const md = new Float64Array(slots);
  const first = new Float64Array(slots);
  const lastT = new Float64Array(slots);
  const lastV = new Float64Array(slots);
  const started = new Uint8Array(slots);
  const keyOf = new Int32Array(slots);
  // Rows are bounded by the readings and, per channel, by the minutes its time range spans.
  const spanned = p.ranges.reduce((s, r) => s + Math.floor((r.to - r.from) / 60000) + 2, 0);
  const cap = Math.min(batch.length, spanned);
  // A writer passes the previous batch's columns back: 13 arrays of up to a batch's length each
  // (45 MB at 491,520 readings) are not allocated and zeroed again for every batch.
  const out: MinuteColumns =
    reuse && reuse.key.length >= cap
      ? { ...reuse, length: 0 }
      : {
          key: new Int32Array(cap),
          minute64: new Int32Array(2 * cap),
          min: new Float64Array(cap),
          max: new Float64Array(cap),
          sum: new Float64Array(cap),
          n: new Int32Array(cap),
          pairE: new Float64Array(cap),
          pairCov64: new Int32Array(2 * cap),
          maxDt64: new Int32Array(2 * cap),
          firstTs64: new Int32Array(2 * cap),
          lastTs64: new Int32Array(2 * cap),
          lastV: new Float64Array(cap),
          edge: new Uint8Array(cap),
          length: 0,
        };
  const emit = (c: number, end: boolean) => {
    const j = out.length++;
    out.key[j] = keyOf[c] as number;
    setWords(out.minute64, j, open[c] as number);
    out.min[j] = lo[c] as number;
    out.max[j] = hi[c] as number;
    out.sum[j] = sm[c] as number;
    out.n[j] = cnt[c] as number;
    out.pairE[j] = pe[c] as number;
    setWords(out.pairCov64, j, pc[c] as number);
    setWords(out.maxDt64, j, md[c] as number);
    setWords(out.firstTs64, j, first[c] as number);
    setWords(out.lastTs64, j, lastT[c] as number);
    out.lastV[j] = lastV[c] as number;
    out.edge[j] = (started[c] === 1 ? 0 : 1) | (end ? 2 : 0);
    started[c] = 1;
  };
  for (let i = 0; i < batch.length; i++) {
    const c = batch.channel[i] as number;
    const t = batch.ts[i] as number;
    const v = batch.value[i] as number;
    const m = t - (((t % 60000) + 60000) % 60000);
    if (cnt[c] !== 0) {
      // The previous reading's step ends here: it belongs to the previous reading's (open) minute.
      const dt = t - (lastT[c] as number);
      pe[c] = (pe[c] as number) + (lastV[c] as number) * dt;
      pc[c] = (pc[c] as number) + dt;
      if (dt > (md[c] as number)) md[c] = dt;
    }
    if (m !== open[c]) {
      if (cnt[c] !== 0) emit(c, false);
      open[c] = m;
      lo[c] = v;
      hi[c] = v;
      sm[c] = v;
      cnt[c] = 1;
      pe[c] = 0;
      pc[c] = 0;
      md[c] = 0;
      first[c] = t;
      keyOf[c] = p.keys[i] as number;
    } else {
      if (v < (lo[c] as number)) lo[c] = v;
      if (v > (hi[c] as number)) hi[c] = v;
      sm[c] = (sm[c] as number) + v;
      cnt[c] = (cnt[c] as number) + 1;
    }
    lastT[c] = t;
    lastV[c] = v;
  }
  for (let c = 0; c < slots; c++) if (cnt[c] !== 0) emit(c, true);
  return out;
}
