/**
 * On/off pairing that also splits edges shared by two loads. At 30 s a kettle and a microwave switched
 * on in the same half-minute are one rising edge of their sum, and they switch off apart; a plain
 * one-to-one pairing either drops that edge or pairs it with the kettle's fall and loses the microwave.
 * Passes, each over the edges the earlier ones left:
 *   1. one rise with one fall of nearly the same size;
 *   2. one rise with two later falls that add up to it (two loads on together, off apart);
 *   3. two rises with one later fall that adds them up (on apart, off together);
 *   4. one rise with one fall within the loose ratio (what {@link pairSegments} accepts), and with an
 *      open end, a rise whose load is still drawn at the end.
 * Every pass requires the mains to stay above the pre-rise level plus part of the load while it runs,
 * so a rise is never paired across a stretch where its load was plainly off.
 */
import { type Edge, type EdgeOptions, runningSegment, type Segment } from './edges.ts';

/** Sizes that count as the same load: within this fraction of the larger, plus the absolute slack. */
const SAME_FRACTION = 0.12;
const SAME_SLACK_W = 60;
/** While a load runs, the mains stay above the pre-rise level plus this share of its power. */
const HOLD_SHARE = 0.4;

function same(a: number, b: number): boolean {
  return Math.abs(a - b) <= SAME_FRACTION * Math.max(a, b) + SAME_SLACK_W;
}

/** Lowest mains over (from, to), skipping NaN; +Infinity when the range is empty. */
function minBetween(x: Float64Array, from: number, to: number): number {
  let m = Infinity;
  for (let t = from + 1; t < to; t++) if (x[t]! < m) m = x[t]!;
  return m;
}

/** Pairs rises and falls, splitting a shared edge between two loads; see the module comment. */
export function pairSegmentsCombined(x: Float64Array, edges: Edge[], opts: EdgeOptions): Segment[] {
  const used = new Uint8Array(edges.length);
  const out: Segment[] = [];
  const baseAt = (e: Edge): number => x[e.start - 1]!;
  /** The load of `power` W switched on at edge i holds until edge k starts. */
  const holds = (i: number, k: number, power: number): boolean =>
    minBetween(x, edges[i]!.end, edges[k]!.start) >= baseAt(edges[i]!) + HOLD_SHARE * power;
  /** Unused falls after rise i within the pairing horizon, in time order. */
  const fallsAfter = (i: number): number[] => {
    const ks: number[] = [];
    for (let k = i + 1; k < edges.length; k++) {
      if (edges[k]!.start - edges[i]!.start > opts.maxDuration) break;
      if (!used[k] && edges[k]!.mag < 0) ks.push(k);
    }
    return ks;
  };
  const single = (accept: (on: number, off: number) => boolean): void => {
    for (let i = edges.length - 1; i >= 0; i--) {
      const up = edges[i]!;
      if (up.mag <= 0 || used[i]) continue;
      for (const k of fallsAfter(i)) {
        if (!holds(i, k, up.mag)) break;
        if (!accept(up.mag, -edges[k]!.mag)) continue;
        used[i] = used[k] = 1;
        out.push({
          start: up.start,
          end: edges[k]!.end,
          power: up.mag,
          offPower: -edges[k]!.mag,
          base: baseAt(up),
          inner: { start: up.end, end: edges[k]!.start },
        });
        break;
      }
    }
  };

  single(same);
  // One rise, two falls: loads A (off first) and B switched on together.
  for (let i = edges.length - 1; i >= 0; i--) {
    const up = edges[i]!;
    if (up.mag <= 0 || used[i]) continue;
    const ks = fallsAfter(i);
    search: for (let a = 0; a < ks.length; a++) {
      const k1 = ks[a]!;
      const f1 = -edges[k1]!.mag;
      if (!holds(i, k1, up.mag)) break;
      for (let b = a + 1; b < ks.length; b++) {
        const k2 = ks[b]!;
        const f2 = -edges[k2]!.mag;
        if (!same(f1 + f2, up.mag)) continue;
        if (minBetween(x, edges[k1]!.end, edges[k2]!.start) < baseAt(up) + HOLD_SHARE * f2) break;
        used[i] = used[k1] = used[k2] = 1;
        const base = baseAt(up);
        const endA = edges[k1]!.end;
        out.push({
          start: up.start,
          end: endA,
          power: f1,
          offPower: f1,
          base,
          overlap: { start: up.start, end: endA, power: f2 },
          inner: { start: up.end, end: edges[k1]!.start },
        });
        out.push({
          start: up.start,
          end: edges[k2]!.end,
          power: f2,
          offPower: f2,
          base,
          overlap: { start: up.start, end: endA, power: f1 },
          inner: { start: up.end, end: edges[k2]!.start },
        });
        break search;
      }
    }
  }
  // Two rises, one fall: loads A (on first) and B switched off together.
  for (let k = 0; k < edges.length; k++) {
    const dn = edges[k]!;
    if (dn.mag >= 0 || used[k]) continue;
    const rises: number[] = [];
    for (let i = k - 1; i >= 0 && dn.start - edges[i]!.start <= opts.maxDuration; i--)
      if (!used[i] && edges[i]!.mag > 0) rises.push(i);
    rises.reverse();
    search: for (let a = 0; a < rises.length; a++) {
      const i1 = rises[a]!;
      for (let b = a + 1; b < rises.length; b++) {
        const i2 = rises[b]!;
        const r1 = edges[i1]!.mag;
        const r2 = edges[i2]!.mag;
        if (!same(r1 + r2, -dn.mag) || !holds(i1, k, r1) || !holds(i2, k, r2)) continue;
        used[i1] = used[i2] = used[k] = 1;
        const end = dn.end;
        const startB = edges[i2]!.start;
        out.push({
          start: edges[i1]!.start,
          end,
          power: r1,
          offPower: r1,
          base: baseAt(edges[i1]!),
          overlap: { start: startB, end, power: r2 },
          inner: { start: edges[i1]!.end, end: dn.start },
        });
        out.push({
          start: startB,
          end,
          power: r2,
          offPower: r2,
          base: baseAt(edges[i2]!),
          inner: { start: edges[i2]!.end, end: dn.start },
        });
        break search;
      }
    }
  }
  single((on, off) => off / on >= opts.ratio[0] && off / on <= opts.ratio[1]);
  if (opts.openEnd)
    edges.forEach((up, i) => {
      const running = used[i] || up.mag <= 0 ? undefined : runningSegment(x, up, opts);
      if (running) out.push(running);
    });
  return out.sort((a, b) => a.start - b.start);
}
