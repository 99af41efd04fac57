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
  const pairing = new Pairing(x, edges, opts);
  pairing.single(same);
  pairing.oneRiseTwoFalls();
  pairing.twoRisesOneFall();
  pairing.single((on, off) => off / on >= opts.ratio[0] && off / on <= opts.ratio[1]);
  if (opts.openEnd) pairing.openEnds();
  return pairing.out.sort((a, b) => a.start - b.start);
}

/** The state shared by the passes: which edges are used, and the segments found so far. */
class Pairing {
  readonly used: Uint8Array;
  readonly out: Segment[] = [];

  constructor(
    private readonly x: Float64Array,
    private readonly edges: Edge[],
    private readonly opts: EdgeOptions,
  ) {
    this.used = new Uint8Array(edges.length);
  }

  /** Mains just before edge `e`: the level its load adds to. */
  baseAt(e: Edge): number {
    return this.x[e.start - 1]!;
  }

  /** The load of `power` W switched on at edge i holds until edge k starts. */
  holds(i: number, k: number, power: number): boolean {
    const { x, edges } = this;
    return minBetween(x, edges[i]!.end, edges[k]!.start) >= this.baseAt(edges[i]!) + HOLD_SHARE * power;
  }

  /** Unused falls after rise i within the pairing horizon, in time order. */
  fallsAfter(i: number): number[] {
    const { edges, used } = this;
    const ks: number[] = [];
    for (let k = i + 1; k < edges.length; k++) {
      if (edges[k]!.start - edges[i]!.start > this.opts.maxDuration) break;
      if (!used[k] && edges[k]!.mag < 0) ks.push(k);
    }
    return ks;
  }

  /** Unused rises before fall k within the pairing horizon, in time order. */
  risesBefore(k: number): number[] {
    const { edges, used } = this;
    const rises: number[] = [];
    for (let i = k - 1; i >= 0 && edges[k]!.start - edges[i]!.start <= this.opts.maxDuration; i--)
      if (!used[i] && edges[i]!.mag > 0) rises.push(i);
    return rises.reverse();
  }

  /** One rise with the first later fall that `accept`s its size, latest rise first. */
  single(accept: (on: number, off: number) => boolean): void {
    const { edges, used } = this;
    for (let i = edges.length - 1; i >= 0; i--) {
      const up = edges[i]!;
      if (up.mag <= 0 || used[i]) continue;
      for (const k of this.fallsAfter(i)) {
        if (!this.holds(i, k, up.mag)) break;
        if (!accept(up.mag, -edges[k]!.mag)) continue;
        used[i] = used[k] = 1;
        this.out.push({
          start: up.start,
          end: edges[k]!.end,
          power: up.mag,
          offPower: -edges[k]!.mag,
          base: this.baseAt(up),
          inner: { start: up.end, end: edges[k]!.start },
        });
        break;
      }
    }
  }

  /** One rise, two falls: loads A (off first) and B switched on together. */
  oneRiseTwoFalls(): void {
    const { edges, used } = this;
    for (let i = edges.length - 1; i >= 0; i--) {
      if (edges[i]!.mag <= 0 || used[i]) continue;
      const ks = this.fallsAfter(i);
      search: for (let a = 0; a < ks.length; a++) {
        if (!this.holds(i, ks[a]!, edges[i]!.mag)) break;
        for (let b = a + 1; b < ks.length; b++) {
          const verdict = this.splitRise(i, ks[a]!, ks[b]!);
          if (verdict === 'paired') break search;
          if (verdict === 'stop') break;
        }
      }
    }
  }

  /**
   * Tries rise i as the sum of the loads that fall at k1 and then k2: 'paired' when it is; 'stop' when
   * the sizes add up but the mains dropped below the second load between the falls (the pass then
   * tries the next first fall); 'next' when the sizes do not add up.
   */
  private splitRise(i: number, k1: number, k2: number): 'paired' | 'stop' | 'next' {
    const { x, edges, used } = this;
    const up = edges[i]!;
    const f1 = -edges[k1]!.mag;
    const f2 = -edges[k2]!.mag;
    if (!same(f1 + f2, up.mag)) return 'next';
    const base = this.baseAt(up);
    if (minBetween(x, edges[k1]!.end, edges[k2]!.start) < base + HOLD_SHARE * f2) return 'stop';
    used[i] = used[k1] = used[k2] = 1;
    const endA = edges[k1]!.end;
    this.out.push({
      start: up.start,
      end: endA,
      power: f1,
      offPower: f1,
      base,
      overlap: { start: up.start, end: endA, power: f2 },
      inner: { start: up.end, end: edges[k1]!.start },
    });
    this.out.push({
      start: up.start,
      end: edges[k2]!.end,
      power: f2,
      offPower: f2,
      base,
      overlap: { start: up.start, end: endA, power: f1 },
      inner: { start: up.end, end: edges[k2]!.start },
    });
    return 'paired';
  }

  /** Two rises, one fall: loads A (on first) and B switched off together. */
  twoRisesOneFall(): void {
    const { edges, used } = this;
    for (let k = 0; k < edges.length; k++) {
      if (edges[k]!.mag >= 0 || used[k]) continue;
      const rises = this.risesBefore(k);
      search: for (let a = 0; a < rises.length; a++) {
        for (let b = a + 1; b < rises.length; b++) {
          if (this.joinFall(rises[a]!, rises[b]!, k)) break search;
        }
      }
    }
  }

  /** Pairs rises i1 and i2 with fall k when k is their sum and both loads hold until it. */
  private joinFall(i1: number, i2: number, k: number): boolean {
    const { edges, used } = this;
    const dn = edges[k]!;
    const r1 = edges[i1]!.mag;
    const r2 = edges[i2]!.mag;
    if (!same(r1 + r2, -dn.mag) || !this.holds(i1, k, r1) || !this.holds(i2, k, r2)) return false;
    used[i1] = used[i2] = used[k] = 1;
    const end = dn.end;
    const startB = edges[i2]!.start;
    this.out.push({
      start: edges[i1]!.start,
      end,
      power: r1,
      offPower: r1,
      base: this.baseAt(edges[i1]!),
      overlap: { start: startB, end, power: r2 },
      inner: { start: edges[i1]!.end, end: dn.start },
    });
    this.out.push({
      start: startB,
      end,
      power: r2,
      offPower: r2,
      base: this.baseAt(edges[i2]!),
      inner: { start: edges[i2]!.end, end: dn.start },
    });
    return true;
  }

  /** A rise left unpaired whose load is still drawn at the end becomes an open segment. */
  openEnds(): void {
    this.edges.forEach((up, i) => {
      const running = this.used[i] || up.mag <= 0 ? undefined : runningSegment(this.x, up, this.opts);
      if (running) this.out.push(running);
    });
  }
}
