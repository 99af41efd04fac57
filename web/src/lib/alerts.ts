/** Alert list helpers shared by the alerts page and the facility page. */
import type { Alert } from '../api/types.ts';

/** Replaces alerts by id (a pushed update wins) and keeps the newest first. */
export function mergeAlerts(prev: Alert[], fresh: Alert[]): Alert[] {
  const by = new Map(prev.map((a) => [a.id, a]));
  for (const a of fresh) by.set(a.id, a);
  return [...by.values()].sort((a, b) => b.ts - a.ts);
}

/** Filters of the alerts page; empty strings mean "any". */
export interface AlertFilter {
  state: string;
  severity: string;
  facilityId: string;
  rule: string;
}

/** True when an alert passes every set filter. */
export function matchesAlert(a: Alert, f: AlertFilter): boolean {
  return (
    (!f.state || a.state === f.state) &&
    (!f.severity || a.severity === f.severity) &&
    (!f.facilityId || a.facilityId === f.facilityId) &&
    (!f.rule || a.rule === f.rule)
  );
}
