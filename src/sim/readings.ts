/**
 * The fleet's readings over a time range as columnar batches (the hot path: typed arrays, no object
 * per reading). Order: UTC day by UTC day; within a day meter by meter; within a meter channel by
 * channel in time order. Any range, shard or batch size gives the same readings for the same seed.
 */
import type { ReadingBatch } from '../domain/types.ts';
import { ConfigError } from '../errors.ts';
import type { Fleet, SimMeter } from './fleet.ts';
import { DAY_MS } from './model/calendar.ts';
import { type MeterDay, ScheduleCache, Scratch, renderMeterDay } from './render.ts';

/** Options of {@link generateReadings}. */
export interface ReadingRange {
  /** First instant (UTC ms, inclusive). */
  from: number;
  /** End (UTC ms, exclusive). */
  to: number;
  /** Readings per batch (default 65,536). */
  batchSize?: number;
  /** Generate only meters with `index % count === shard` (for worker threads). */
  shard?: { index: number; count: number };
  /** Only these meters (by id). */
  meterIds?: ReadonlySet<string>;
}

/** An empty batch with room for `capacity` readings. */
export function allocBatch(channelIds: string[], capacity: number): ReadingBatch {
  return {
    channelIds,
    channel: new Int32Array(capacity),
    ts: new Float64Array(capacity),
    value: new Float64Array(capacity),
    quality: new Uint8Array(capacity),
    length: 0,
  };
}

/** The meters a range selects. */
export function selectMeters(fleet: Fleet, r: Pick<ReadingRange, 'shard' | 'meterIds'>): SimMeter[] {
  return fleet.sim.filter(
    (m) =>
      (!r.shard || m.index % r.shard.count === r.shard.index) && (!r.meterIds || r.meterIds.has(m.meter.id)),
  );
}

/** Validates a range; throws ConfigError. */
export function checkRange(r: ReadingRange): void {
  if (!Number.isFinite(r.from) || !Number.isFinite(r.to) || r.to < r.from) {
    throw new ConfigError('sim.range', `expected from <= to as UTC ms, got ${r.from}..${r.to}`);
  }
}

/** Copies the samples of a meter-day that fall in [from, to) into batches; calls `emit` when one is full. */
export function appendMeterDay(
  fleet: Fleet,
  m: SimMeter,
  md: MeterDay,
  from: number,
  to: number,
  state: { batch: ReadingBatch },
  emit: (b: ReadingBatch) => void,
): void {
  const n = md.values[0]?.length ?? 0;
  const i0 = Math.max(0, Math.ceil((from - md.t0) / md.stepMs));
  const i1 = Math.min(n, Math.ceil((to - md.t0) / md.stepMs));
  if (i1 <= i0) return;
  for (let k = 0; k < md.values.length; k++) {
    const v = md.values[k] as Float64Array;
    const ch = m.channels[k] as number;
    let i = i0;
    while (i < i1) {
      let b = state.batch;
      if (b.length === b.ts.length) {
        emit(b);
        b = state.batch = allocBatch(fleet.channelIds, b.ts.length);
      }
      const take = Math.min(i1 - i, b.ts.length - b.length);
      const off = b.length;
      b.channel.fill(ch, off, off + take);
      b.value.set(v.subarray(i, i + take), off);
      for (let j = 0; j < take; j++) b.ts[off + j] = md.t0 + (i + j) * md.stepMs;
      b.length += take;
      i += take;
    }
  }
}

/** Generates the readings of `fleet` in a time range as columnar batches. */
export async function* generateReadings(fleet: Fleet, r: ReadingRange): AsyncGenerator<ReadingBatch> {
  checkRange(r);
  const meters = selectMeters(fleet, r);
  const state = { batch: allocBatch(fleet.channelIds, r.batchSize ?? 65_536) };
  const ready: ReadingBatch[] = [];
  const firstDay = Math.floor(r.from / DAY_MS);
  const lastDay = Math.ceil(r.to / DAY_MS);
  const cache = new ScheduleCache();
  const scratch = new Scratch();
  for (let day = firstDay; day < lastDay; day++) {
    for (const m of meters) {
      appendMeterDay(fleet, m, renderMeterDay(fleet, m, day, cache, scratch), r.from, r.to, state, (b) =>
        ready.push(b),
      );
      while (ready.length) yield ready.shift() as ReadingBatch;
    }
  }
  if (state.batch.length) yield state.batch;
}
