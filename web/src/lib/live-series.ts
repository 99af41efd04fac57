/**
 * A rolling window of one live series in typed arrays: appends in time order, drops points older
 * than the window, and hands uPlot fresh views. Out-of-order points (late data) are inserted in place.
 */

/** A fixed-capacity time series window. */
export class LiveSeries {
  private ts: Float64Array;
  private value: Float64Array;
  private n = 0;

  constructor(
    /** Span kept, in ms. */
    readonly windowMs: number,
    capacity = 4096,
  ) {
    this.ts = new Float64Array(capacity);
    this.value = new Float64Array(capacity);
  }

  /** Number of points held. */
  get length(): number {
    return this.n;
  }

  /** Timestamp of the newest point, or NaN. */
  get lastTs(): number {
    return this.n ? (this.ts[this.n - 1] as number) : NaN;
  }

  /** Value of the newest point, or NaN. */
  get lastValue(): number {
    return this.n ? (this.value[this.n - 1] as number) : NaN;
  }

  /** Adds one point; a point with a timestamp already held replaces its value. */
  push(t: number, v: number): void {
    let i = this.n;
    while (i > 0 && (this.ts[i - 1] as number) > t) i--;
    if (i > 0 && this.ts[i - 1] === t) {
      this.value[i - 1] = v;
      return;
    }
    if (this.n === this.ts.length) this.grow();
    this.ts.copyWithin(i + 1, i, this.n);
    this.value.copyWithin(i + 1, i, this.n);
    this.ts[i] = t;
    this.value[i] = v;
    this.n++;
    this.trim();
  }

  /** Drops points older than the window before the newest one. */
  private trim(): void {
    const cutoff = this.lastTs - this.windowMs;
    let k = 0;
    while (k < this.n && (this.ts[k] as number) < cutoff) k++;
    if (k === 0) return;
    this.ts.copyWithin(0, k, this.n);
    this.value.copyWithin(0, k, this.n);
    this.n -= k;
  }

  private grow(): void {
    const ts = new Float64Array(this.ts.length * 2);
    const value = new Float64Array(this.value.length * 2);
    ts.set(this.ts);
    value.set(this.value);
    this.ts = ts;
    this.value = value;
  }

  /** Copies for uPlot: x in seconds (uPlot's time unit), y as given. */
  toAligned(): [Float64Array, Float64Array] {
    const x = new Float64Array(this.n);
    for (let i = 0; i < this.n; i++) x[i] = (this.ts[i] as number) / 1000;
    return [x, this.value.slice(0, this.n)];
  }
}
