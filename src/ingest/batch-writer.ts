/**
 * Fills columnar {@link ReadingBatch}es and writes them to the store. Parsing and writing overlap:
 * while a batch is being written (the database works on its own threads or processes), the parser
 * fills the next. Typed arrays are recycled, so memory stays constant whatever the file size.
 */
import type { ReadingBatch } from '../domain/types.ts';
import type { Store } from '../store/store.ts';
import type { CatalogBuilder } from './catalog.ts';

interface Arrays {
  channel: Int32Array;
  ts: Float64Array;
  value: Float64Array;
  quality: Uint8Array;
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

  constructor(
    private readonly store: Store,
    private readonly catalog: CatalogBuilder,
    private readonly size = 100_000,
    /** Writes in flight at once: 1 for DuckDB (one writer), 2 for PostgreSQL (separate backends). */
    private readonly concurrency = 1,
  ) {
    this.cur = this.alloc();
  }

  /** Adds one reading; `channel` is an index from the catalog builder. */
  push(channel: number, ts: number, value: number, quality = 0): void {
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
