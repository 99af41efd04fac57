/**
 * Appliance activity as rectangles of constant power ("pulses"), and their rendering into samples:
 * each sample holds the mean power over [t, t + step), so summing samples x step gives the exact
 * energy at every sampling interval from 1 s to 1 h.
 */

/** Pulses of one channel: parallel arrays of start, end (UTC ms) and power (W). */
export class Pulses {
  readonly start: number[] = [];
  readonly end: number[] = [];
  readonly watts: number[] = [];
  /** Adds a pulse; empty or zero-power pulses are dropped. */
  add(start: number, end: number, watts: number): void {
    if (end > start && watts !== 0) {
      this.start.push(start);
      this.end.push(end);
      this.watts.push(watts);
    }
  }
}

/**
 * Adds the pulses' mean power per sample to `out` (length n) for the samples starting at
 * `t0 + i * step`.
 */
export function renderPulses(p: Pulses, t0: number, step: number, out: Float64Array): void {
  const n = out.length;
  const t1 = t0 + n * step;
  for (let k = 0; k < p.start.length; k++) {
    const s = p.start[k] as number;
    const e = p.end[k] as number;
    if (e <= t0 || s >= t1) continue;
    const w = p.watts[k] as number;
    const a = Math.max(s, t0);
    const b = Math.min(e, t1);
    const i0 = Math.floor((a - t0) / step);
    const i1 = Math.min(n, Math.ceil((b - t0) / step));
    for (let i = i0; i < i1; i++) {
      const ts = t0 + i * step;
      const overlap = Math.min(b, ts + step) - Math.max(a, ts);
      if (overlap > 0) out[i] = (out[i] as number) + (w * overlap) / step;
    }
  }
}
