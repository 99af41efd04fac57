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
  /** Total rejects per reason class ({@link reasonClass}). */
  counters(): Record<string, number>;
  /** Total rejects. */
  total(): number;
}

// Where an item error sits ("item 3 field 'value': "), which says nothing about its kind.
const ITEM_PREFIX = /^(?:item \d+)? ?(?:field '[^']*')?: /;

/**
 * The class a reason is counted under: its text up to the first colon, after the item and field it
 * names (`item 3 field 'value': out of physical range: ...` counts as `out of physical range`).
 */
export function reasonClass(reason: string): string {
  return reason.replace(ITEM_PREFIX, '').split(':')[0]!.slice(0, 60);
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
      const cls = reasonClass(e.reason);
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
