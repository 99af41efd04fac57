/**
 * Fills columnar {@link ReadingBatch}es and writes them to the store. Parsing and writing overlap:
 * while a batch is being written (the database works on its own threads or processes), the parser
 * fills the next. Typed arrays are recycled, so memory stays constant whatever the file size.
 */
import type { ReadingBatch } from '../domain/types.ts';
import type { StorePort } from '../store/store.ts';
import type { CatalogBuilder } from './catalog.ts';
import { PHYSICAL_LIMITS } from './units.ts';

interface Arrays {
  channel: Int32Array;
  ts: Float64Array;
  value: Float64Array;
  quality: Uint8Array;
}

/** How a {@link BatchWriter} batches, and whom it tells about a reading it refuses. */
export interface BatchWriterOptions {
  /** Readings per batch. */
  size: number;
  /** Writes in flight at once: 1 for DuckDB (one writer), 2 for PostgreSQL (separate backends). */
  concurrency: number;
  /**
   * Called instead of storing a reading whose magnitude is beyond its channel unit's
   * {@link PHYSICAL_LIMITS} (a fault, not a measurement; the live ingest refuses the same values).
   */
  onOutOfRange: (channel: number, ts: number, value: number) => void;
}

/** Collects readings and writes them in batches; {@link drain} must be awaited regularly. */
export class BatchWriter {
  /** Readings pushed. */
  readings = 0;
  stored = 0;
  duplicates = 0;
  private cur: Arrays;
  private n = 0;
  private readonly ready: { a: Arrays; n: number }[] = [];
  private readonly pool: Arrays[] = [];
  private inflight: Promise<void>[] = [];
  private failure: { error: unknown } | null = null;
  /** Physical limit of each channel index, filled as channels appear. */
  private limits = new Float64Array(64);
  /** Channels whose limit is in {@link limits}. */
  private known = 0;
  private readonly size: number;
  private readonly concurrency: number;
  private readonly onOutOfRange: BatchWriterOptions['onOutOfRange'];

  constructor(
    private readonly store: StorePort<'readings', 'write'>,
    private readonly catalog: CatalogBuilder,
    options: BatchWriterOptions,
  ) {
    this.size = options.size;
    this.concurrency = options.concurrency;
    this.onOutOfRange = options.onOutOfRange;
    this.cur = this.alloc();
  }

  /**
   * Adds one reading; `channel` is an index from the catalog builder. A value beyond the channel
   * unit's physical limit is refused through `onOutOfRange` instead.
   */
  push(channel: number, ts: number, value: number, quality = 0): void {
    // One typed-array load per reading; `!(<=)` also refuses NaN.
    if (!(Math.abs(value) <= (channel < this.known ? this.limits[channel]! : this.limitOf(channel)))) {
      this.onOutOfRange(channel, ts, value);
      return;
    }
    const a = this.cur;
    const i = this.n;
    a.channel[i] = channel;
    a.ts[i] = ts;
    a.value[i] = value;
    a.quality[i] = quality;
    this.readings++;
    if (++this.n === this.size) this.rotate();
  }

  /**
   * Closes the batch being filled so that the next {@link drain} writes it: live sources call it every
   * second or so, so that their readings do not wait for a full batch.
   */
  cut(): void {
    if (this.n > 0) this.rotate();
  }

  /** True when full batches wait to be written. */
  get backlog(): boolean {
    return this.ready.length > 0;
  }

  /** Starts writing the full batches; returns once at most `concurrency` writes are in flight. */
  async drain(): Promise<void> {
    while (this.ready.length) {
      const next = this.ready.shift()!;
      while (this.inflight.length >= this.concurrency) await this.inflight.shift();
      this.check();
      await this.catalog.flush();
      // The error is kept and rethrown by the next drain/finish, so the promise never rejects unobserved.
      this.inflight.push(
        this.write(next.a, next.n).catch((error: unknown) => {
          this.failure = { error };
        }),
      );
    }
    this.check();
  }

  /** Writes everything left and waits for it. */
  async finish(): Promise<void> {
    if (this.n > 0) this.rotate();
    await this.drain();
    await this.settle();
    this.check();
    await this.catalog.finish();
  }

  /** Waits for the write in flight, if any, ignoring its outcome (used when an import fails). */
  async settle(): Promise<void> {
    while (this.inflight.length) await this.inflight.shift();
  }

  /** Adds the limits of channels registered since the last call (a new channel appeared). */
  private limitOf(channel: number): number {
    const units = this.catalog.channelUnits;
    // Only the new channels: a fleet file registers thousands, one or a few at a time.
    if (units.length > this.limits.length) {
      const grown = new Float64Array(Math.max(units.length, this.limits.length * 2));
      grown.set(this.limits);
      this.limits = grown;
    }
    for (let c = this.known; c < units.length; c++) this.limits[c] = PHYSICAL_LIMITS[units[c]!];
    this.known = units.length;
    return channel < this.known ? this.limits[channel]! : Infinity;
  }

  private check(): void {
    if (this.failure) throw this.failure.error;
  }

  private rotate(): void {
    this.ready.push({ a: this.cur, n: this.n });
    this.cur = this.pool.pop() ?? this.alloc();
    this.n = 0;
  }

  private async write(a: Arrays, n: number): Promise<void> {
    const batch: ReadingBatch = { channelIds: this.catalog.channelIds.slice(), ...a, length: n };
    const r = await this.store.readings.write(batch);
    this.stored += r.inserted;
    this.duplicates += r.duplicates;
    this.pool.push(a);
  }

  private alloc(): Arrays {
    const n = this.size;
    return {
      channel: new Int32Array(n),
      ts: new Float64Array(n),
      value: new Float64Array(n),
      quality: new Uint8Array(n),
    };
  }
}
