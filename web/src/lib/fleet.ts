/**
 * The fleet table's rows: facilities joined with their latest mains power, today's energy, open
 * alerts and best-known score. Each source is optional: a route the server does not offer leaves its
 * column empty (and hidden) instead of failing the page.
 */
import type { Api } from '../api/endpoints.ts';
import type { Alert, FacilityScore, FacilityWithAccess, LatestValue, RollupRow } from '../api/types.ts';
import { localDate } from './periods.ts';

/** One row of the fleet table. */
export interface FleetRow {
  facility: FacilityWithAccess;
  latestPower: number | null;
  latestTs: number | null;
  todayEnergy: number | null;
  openAlerts: number;
  score: FacilityScore | null;
}

/** Which optional columns have data. */
export interface FleetColumns {
  power: boolean;
  energy: boolean;
  alerts: boolean;
  score: boolean;
}

const settled = <T>(r: PromiseSettledResult<T>): T | undefined =>
  r.status === 'fulfilled' ? r.value : undefined;

/** Joins the sources by facility id. */
export function joinFleet(
  facilities: FacilityWithAccess[],
  latest: LatestValue[] | undefined,
  rollups: RollupRow[] | undefined,
  alerts: Alert[] | undefined,
  scores: FacilityScore[] | undefined,
  now: number,
): FleetRow[] {
  const power = new Map<string, { value: number; ts: number }>();
  for (const l of latest ?? []) {
    if (!l.facilityId || l.isMains === false) continue;
    const prev = power.get(l.facilityId);
    power.set(l.facilityId, { value: (prev?.value ?? 0) + l.value, ts: Math.max(prev?.ts ?? 0, l.ts) });
  }
  const open = new Map<string, number>();
  for (const a of alerts ?? [])
    if (a.state === 'open') open.set(a.facilityId, (open.get(a.facilityId) ?? 0) + 1);
  const best = new Map<string, FacilityScore>();
  for (const s of scores ?? []) {
    const b = best.get(s.facilityId);
    if (!b || s.computedAt > b.computedAt) best.set(s.facilityId, s);
  }
  const todayBy = new Map<string, number>();
  const tz = new Map(facilities.map((f) => [f.id, f.timeZone]));
  for (const r of rollups ?? []) {
    const zone = tz.get(r.key);
    if (zone && r.label === localDate(now, zone)) todayBy.set(r.key, (todayBy.get(r.key) ?? 0) + r.energy);
  }
  return facilities.map((f) => ({
    facility: f,
    latestPower: power.get(f.id)?.value ?? null,
    latestTs: power.get(f.id)?.ts ?? null,
    todayEnergy: rollups ? (todayBy.get(f.id) ?? 0) : null,
    openAlerts: open.get(f.id) ?? 0,
    score: best.get(f.id) ?? null,
  }));
}

/** Loads every source in parallel; the facility list is the only one that must answer. */
export async function loadFleet(
  api: Api,
  q: { q?: string; kind?: string; zip?: string },
  now: number,
): Promise<{ rows: FleetRow[]; columns: FleetColumns }> {
  const [facilities, latest, rollups, alerts, scores] = await Promise.allSettled([
    api.facilities(q),
    api.latest(),
    api.rollups({ level: 'facility', period: 'day', from: now - 2 * 86_400_000 }),
    api.alerts({ state: 'open' }),
    api.ranking(),
  ]);
  if (facilities.status === 'rejected') throw facilities.reason;
  const rows = joinFleet(
    facilities.value,
    settled(latest),
    settled(rollups),
    settled(alerts),
    settled(scores),
    now,
  );
  return {
    rows,
    columns: {
      power: latest.status === 'fulfilled',
      energy: rollups.status === 'fulfilled',
      alerts: alerts.status === 'fulfilled',
      score: scores.status === 'fulfilled' && scores.value.length > 0,
    },
  };
}
