/**
 * Compiled conditions: one small state machine per (rule, channel). `onReading` returns true when the
 * condition fires at that reading; `onTick` lets time-only conditions (silence) fire without readings.
 * Leaves are edge-triggered: a condition that keeps holding fires once.
 */
import { parseDuration } from '../../util/duration.ts';
import type { ConditionSpec } from '../../domain/rule-spec.ts';

/** A condition's state on one channel. */
export interface ConditionNode {
  onReading(ts: number, value: number): boolean;
  onTick(t: number): boolean;
  /**
   * The level the value crossed at the last firing (for a combination: that of the inner condition
   * that completed it), so the alert can name its threshold; null for conditions without one (silence).
   */
  limit(): number | null;
}

/** Looks up a named threshold (e.g. p97) of the channel the node watches. */
export type ThresholdLookup = (name: string) => number | undefined;

/** Builds the state machine of `spec` for one channel. */
export function compileCondition(spec: ConditionSpec, threshold: ThresholdLookup): ConditionNode {
  switch (spec.type) {
    case 'above': {
      const factor = spec.factor ?? 1;
      const fixed = spec.value;
      const name = spec.threshold;
      const limit =
        fixed !== undefined
          ? () => fixed
          : () => (name === undefined ? undefined : mul(threshold(name), factor));
      return sustained((v, l) => v > l, limit, parseDuration(spec.for ?? 0));
    }
    case 'below':
      return sustained(
        (v, l) => v < l,
        () => spec.value,
        parseDuration(spec.for ?? 0),
      );
    case 'silent':
      return silent(parseDuration(spec.for));
    case 'drop_to_zero':
      return dropToZero(spec.from ?? 1, spec.epsilon ?? 0);
    case 'count':
      return count(compileCondition(spec.of, threshold), spec.n, parseDuration(spec.within));
    case 'any':
      return any(spec.of.map((c) => compileCondition(c, threshold)));
    case 'all':
      return all(
        spec.of.map((c) => compileCondition(c, threshold)),
        parseDuration(spec.within),
      );
    case 'sequence':
      return sequence(
        spec.of.map((c) => compileCondition(c, threshold)),
        parseDuration(spec.within),
      );
  }
}

function mul(v: number | undefined, f: number): number | undefined {
  return v === undefined ? undefined : v * f;
}

function sustained(
  test: (v: number, limit: number) => boolean,
  limit: () => number | undefined,
  forMs: number,
): ConditionNode {
  let since = NaN;
  let fired = false;
  let firedAt: number | null = null;
  return {
    onReading(ts, v) {
      const l = limit();
      if (l === undefined || !test(v, l)) {
        since = NaN;
        fired = false;
        return false;
      }
      if (Number.isNaN(since)) since = ts;
      if (fired || ts - since < forMs) return false;
      firedAt = l;
      return (fired = true);
    },
    onTick: () => false,
    limit: () => firedAt,
  };
}

function silent(forMs: number): ConditionNode {
  let last = NaN;
  let fired = false;
  return {
    onReading(ts) {
      last = ts;
      fired = false;
      return false;
    },
    onTick(t) {
      if (fired || Number.isNaN(last) || t - last < forMs) return false;
      return (fired = true);
    },
    limit: () => null,
  };
}

function dropToZero(from: number, epsilon: number): ConditionNode {
  let prev = NaN;
  return {
    onReading(_ts, v) {
      const hit = prev >= from && Math.abs(v) <= epsilon;
      prev = v;
      return hit;
    },
    onTick: () => false,
    // "About zero" is the level the value fell to.
    limit: () => epsilon,
  };
}

function count(inner: ConditionNode, n: number, withinMs: number): ConditionNode {
  const times: number[] = [];
  const fire = (t: number): boolean => {
    times.push(t);
    while (times.length && times[0]! < t - withinMs) times.shift();
    if (times.length < n) return false;
    times.length = 0;
    return true;
  };
  return {
    onReading: (ts, v) => inner.onReading(ts, v) && fire(ts),
    onTick: (t) => inner.onTick(t) && fire(t),
    limit: () => inner.limit(),
  };
}

function any(children: ConditionNode[]): ConditionNode {
  let last: ConditionNode | undefined;
  const step = (fired: boolean[]): boolean => {
    const i = fired.lastIndexOf(true);
    if (i >= 0) last = children[i];
    return i >= 0;
  };
  return {
    onReading: (ts, v) => step(children.map((c) => c.onReading(ts, v))),
    onTick: (t) => step(children.map((c) => c.onTick(t))),
    limit: () => last?.limit() ?? null,
  };
}

function all(children: ConditionNode[], withinMs: number): ConditionNode {
  const lastFire = children.map(() => NaN);
  let last: ConditionNode | undefined;
  const step = (t: number, fired: boolean[]): boolean => {
    const i = fired.lastIndexOf(true);
    if (i < 0) return false;
    fired.forEach((f, j) => {
      if (f) lastFire[j] = t;
    });
    last = children[i];
    if (!lastFire.every((x) => x >= t - withinMs)) return false;
    lastFire.fill(NaN);
    return true;
  };
  return {
    onReading: (ts, v) =>
      step(
        ts,
        children.map((c) => c.onReading(ts, v)),
      ),
    onTick: (t) =>
      step(
        t,
        children.map((c) => c.onTick(t)),
      ),
    limit: () => last?.limit() ?? null,
  };
}

function sequence(children: ConditionNode[], withinMs: number): ConditionNode {
  let next = 0;
  let start = NaN;
  const step = (t: number, fired: boolean[]): boolean => {
    if (next > 0 && t - start > withinMs) next = 0;
    if (next > 0 && fired[next]) next++;
    else if (fired[0]) {
      next = 1;
      start = t;
    }
    if (next < children.length) return false;
    next = 0;
    return true;
  };
  return {
    onReading: (ts, v) =>
      step(
        ts,
        children.map((c) => c.onReading(ts, v)),
      ),
    onTick: (t) =>
      step(
        t,
        children.map((c) => c.onTick(t)),
      ),
    // The last condition of the sequence completes it.
    limit: () => children[children.length - 1]!.limit(),
  };
}
