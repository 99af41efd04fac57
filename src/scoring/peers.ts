import type { FacilityKind } from '../domain/types.ts';
import type { FacilityFeatures, PeerDistribution, PeerGroup } from './types.ts';

/** One facility's entry in the peer statistics. */
export interface PeerRow {
  id: string;
  kind: FacilityKind;
  zip: string | null;
  features: Pick<FacilityFeatures, 'dailyKwh' | 'baseW' | 'flatness' | 'alertsPerMonth'>;
}

/** Peer groups, serialisable so that the coordinator can stage them for shards. */
export interface PeerTable {
  /** Smallest group compared against; smaller zip groups fall back to the kind, then to everyone. */
  minGroup: number;
  groups: Record<string, PeerGroup>;
}

const FEATURES = ['dailyKwh', 'baseW', 'flatness', 'alertsPerMonth'] as const;

/** Builds peer distributions per (kind, zip), per kind, and over all facilities. */
export function buildPeerTable(rows: PeerRow[], minGroup = 5): PeerTable {
  const buckets = new Map<string, PeerRow[]>();
  const add = (key: string, r: PeerRow) => {
    let b = buckets.get(key);
    if (!b) buckets.set(key, (b = []));
    b.push(r);
  };
  for (const r of rows) {
    add(`kz|${r.kind}|${r.zip ?? ''}`, r);
    add(`k|${r.kind}`, r);
    add('all', r);
  }
  const groups: Record<string, PeerGroup> = {};
  for (const [key, members] of buckets) {
    const [scope, kind, zip] = key.split('|');
    const label =
      scope === 'kz' ? `${kind} in ${zip || 'no zip'}` : scope === 'k' ? `all ${kind}` : 'all facilities';
    groups[key] = {
      label: `${label} (n=${members.length})`,
      features: Object.fromEntries(
        FEATURES.map((f) => [f, distribution(members.map((m) => m.features[f]))]),
      ) as PeerGroup['features'],
    };
  }
  return { minGroup, groups };
}

/** The peer group of a facility: same kind and zip if large enough, else same kind, else everyone. */
export function peersOf(table: PeerTable, kind: FacilityKind, zip: string | null): PeerGroup {
  for (const key of [`kz|${kind}|${zip ?? ''}`, `k|${kind}`, 'all']) {
    const g = table.groups[key];
    if (g && g.features.dailyKwh.n >= table.minGroup) return g;
  }
  return (
    table.groups['all'] ?? {
      label: 'no peers (n=0)',
      features: Object.fromEntries(FEATURES.map((f) => [f, distribution([])])) as PeerGroup['features'],
    }
  );
}

function distribution(values: number[]): PeerDistribution {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const median = mid(sorted);
  const mad = 1.4826 * mid(sorted.map((v) => Math.abs(v - median)).sort((a, b) => a - b));
  return { n: sorted.length, sorted, median, mad };
}

function mid(sorted: number[]): number {
  if (sorted.length === 0) return Number.NaN;
  const m = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[m] as number) : ((sorted[m - 1] as number) + (sorted[m] as number)) / 2;
}
