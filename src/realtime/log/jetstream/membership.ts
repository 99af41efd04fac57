/**
 * Which worker owns which partition. Workers announce themselves on a core NATS subject every
 * `heartbeatMs`; a worker not heard from for `timeoutMs` is gone. Ownership is rendezvous hashing
 * over the live workers, so every worker computes the same assignment without a coordinator, and
 * when one dies only its partitions move.
 */
import { createHash } from 'node:crypto';

/** Live workers as seen by this one. */
export interface Membership {
  /** Records a heartbeat of `id` at time `t`. */
  seen(id: string, t: number): void;
  /** Forgets `id` (it said it left), so its partitions move at once instead of after the time-out. */
  forget(id: string): void;
  /** Ids heard from within the timeout, sorted. */
  alive(t: number): string[];
  /** Partitions (0..count-1) that `self` owns at time `t`. */
  owned(self: string, count: number, t: number): number[];
}

/** Creates a membership view; `self` is always alive. */
export function createMembership(self: string, timeoutMs: number): Membership {
  const last = new Map<string, number>();
  const m: Membership = {
    seen(id, t) {
      last.set(id, Math.max(t, last.get(id) ?? 0));
    },
    forget(id) {
      last.delete(id);
    },
    alive(t) {
      const ids = [...last].filter(([id, at]) => id === self || t - at <= timeoutMs).map(([id]) => id);
      if (!ids.includes(self)) ids.push(self);
      return ids.sort();
    },
    owned(me, count, t) {
      const ids = m.alive(t);
      const out: number[] = [];
      for (let p = 0; p < count; p++) if (ownerOf(p, ids) === me) out.push(p);
      return out;
    },
  };
  return m;
}

/** The rendezvous owner of a partition among `ids`. */
export function ownerOf(partition: number, ids: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = -1;
  for (const id of ids) {
    const score = createHash('sha1').update(`${id}#${partition}`).digest().readUInt32BE(0);
    if (score > bestScore) {
      bestScore = score;
      best = id;
    }
  }
  return best;
}

/** Partition of a key (a meter id), stable across processes. */
export function partitionOf(key: string, count: number): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return (h >>> 0) % count;
}
