/**
 * Event detection on the mains, shared by Hart85 and the signature method: steps between steady levels
 * (consecutive same-sign changes merged, so a switch that straddles two samples is one edge), and
 * on/off pairing into segments where one load ran.
 */

/** A step in the mains: samples `start..end` (inclusive) changed by `mag` W in total. */
export interface Edge {
  start: number;
  end: number;
  mag: number;
}

/** One paired on/off: a load of about `power` W ran over samples [start, end). */
export interface Segment {
  start: number;
  end: number;
  /** Size of the rising edge (W). */
  power: number;
  /** Size of the falling edge (W, positive). */
  offPower: number;
  /** Mains level just before the rise (W). */
  base: number;
  /**
   * Another load that ran inside this segment's window and is not part of it (set when one edge was
   * split between two loads that switched together): its power is subtracted from the mains over
   * [start, end) before this segment's features and painting.
   */
  overlap?: { start: number; end: number; power: number };
  /**
   * The samples at full power, [start, end): after the rise was complete and before the fall began.
   * The partial samples at either end are left out of the segment's shape.
   */
  inner?: { start: number; end: number };
}

/** Options of edge detection and pairing. */
export interface EdgeOptions {
  /** Changes smaller than this are noise, not part of an edge (W). */
  noise: number;
  /** Edges smaller than this are dropped (W). */
  minEdge: number;
  /** Longest on-duration searched for the matching off edge (samples). */
  maxDuration: number;
  /** Accepted off/on magnitude ratio. */
  ratio: readonly [number, number];
  /** The series ends now: an unmatched rise whose load is still drawn at the end is a running segment. */
  openEnd?: boolean;
}

/** Steps of the mains; NaN samples break edges. */
export function detectEdges(x: Float64Array, opts: Pick<EdgeOptions, 'noise' | 'minEdge'>): Edge[] {
  const edges: Edge[] = [];
  let cur: Edge | undefined;
  const flush = (): void => {
    if (cur && Math.abs(cur.mag) >= opts.minEdge) edges.push(cur);
    cur = undefined;
  };
  for (let t = 1; t < x.length; t++) {
    const d = x[t]! - x[t - 1]!;
    if (Number.isNaN(d) || Math.abs(d) < opts.noise) {
      flush();
      continue;
    }
    if (cur && Math.sign(cur.mag) === Math.sign(d) && cur.end === t - 1) {
      cur.end = t;
      cur.mag += d;
    } else {
      flush();
      cur = { start: t, end: t, mag: d };
    }
  }
  flush();
  return edges;
}

/**
 * Pairs each rising edge with the first unused falling edge of similar size within `maxDuration`.
 * Rising edges are taken latest first, so a short load nested inside a longer one pairs with its own
 * off edge before the longer load looks for its.
 */
export function pairSegments(x: Float64Array, edges: Edge[], opts: EdgeOptions): Segment[] {
  const used = new Uint8Array(edges.length);
  const out: Segment[] = [];
  for (let i = edges.length - 1; i >= 0; i--) {
    const up = edges[i]!;
    if (up.mag <= 0) continue;
    let paired = false;
    for (let k = i + 1; k < edges.length; k++) {
      const dn = edges[k]!;
      if (dn.start - up.start > opts.maxDuration) break;
      if (dn.mag >= 0 || used[k]) continue;
      const r = -dn.mag / up.mag;
      if (r < opts.ratio[0] || r > opts.ratio[1]) continue;
      used[k] = 1;
      out.push({
        start: up.start,
        end: dn.end,
        power: up.mag,
        offPower: -dn.mag,
        base: x[up.start - 1]!,
        inner: { start: up.end, end: dn.start },
      });
      paired = true;
      break;
    }
    const running = paired || !opts.openEnd ? undefined : runningSegment(x, up, opts);
    if (running) out.push(running);
  }
  return out.sort((a, b) => a.start - b.start);
}

/**
 * With an open end: the segment of a rise whose load is still drawn at the end of the series (within
 * the pairing horizon), or undefined.
 */
export function runningSegment(x: Float64Array, up: Edge, opts: EdgeOptions): Segment | undefined {
  const base = x[up.start - 1]!;
  if (x.length - up.start > opts.maxDuration || x[x.length - 1]! - base < up.mag * opts.ratio[0])
    return undefined;
  return {
    start: up.start,
    end: x.length,
    power: up.mag,
    offPower: up.mag,
    base,
    inner: { start: up.end, end: x.length },
  };
}

/** The segment's own load at sample t: mains above the pre-rise level, less an overlapping load's power. */
export function segmentLoad(x: Float64Array, s: Segment, t: number): number {
  const o = s.overlap;
  return x[t]! - s.base - (o && t >= o.start && t < o.end ? o.power : 0);
}

/** Writes a segment's load into `out`: {@link segmentLoad}, capped at the segment's power. */
export function paintSegment(x: Float64Array, s: Segment, out: Float64Array): void {
  const level = (s.power + s.offPower) / 2;
  for (let t = s.start; t < s.end; t++) {
    const v = Math.min(level, Math.max(0, segmentLoad(x, s, t)));
    out[t] = Math.max(out[t]!, v);
  }
}
