/**
 * Rejected input that could not be answered with an error (MQTT has no reply channel): kept in a
 * bounded ring with the reason and a sample, and counted per reason for metrics.
 */

/** One rejected message or item. */
export interface QuarantineEntry {
  at: number;
  source: 'mqtt' | 'http';
  /** Device or token id, or the MQTT client id when authentication failed. */
  device: string;
  /** Organisation of the device, when known. */
  orgId: string | null;
  topic: string | null;
  reason: string;
  /** Start of the offending payload or item (at most 200 characters). */
  sample: string;
}

/** Bounded store of rejects. */
export interface Quarantine {
  add(entry: Omit<QuarantineEntry, 'at'>): void;
  /** Newest first, optionally of one organisation. */
  list(filter?: { orgId?: string; limit?: number }): QuarantineEntry[];
  /** Total rejects per reason class (the reason's text up to the first colon). */
  counters(): Record<string, number>;
  /** Total rejects. */
  total(): number;
}

/** Creates a quarantine keeping the newest `capacity` entries. */
export function createQuarantine(opts: { capacity?: number; now?: () => number } = {}): Quarantine {
  const capacity = opts.capacity ?? 1000;
  const now = opts.now ?? Date.now;
  const ring: QuarantineEntry[] = [];
  const counts: Record<string, number> = {};
  let total = 0;
  return {
    add(e) {
      ring.push({ ...e, sample: e.sample.slice(0, 200), at: now() });
      if (ring.length > capacity) ring.shift();
      const cls = e.reason.split(':')[0]!.slice(0, 60);
      counts[cls] = (counts[cls] ?? 0) + 1;
      total++;
    },
    list(filter = {}) {
      const out = ring.filter((e) => filter.orgId === undefined || e.orgId === filter.orgId).reverse();
      return out.slice(0, filter.limit ?? 100);
    },
    counters: () => ({ ...counts }),
    total: () => total,
  };
}
