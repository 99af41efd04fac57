/**
 * The fleet table's rows: facilities joined with their latest mains power (live values of their
 * mains channels), today's energy (daily rollup of today's local date), open alerts and the score of
 * a chosen analytic product.
 */
import type { Api } from '../api/endpoints.ts';
import type { Alert, FacilityDetail, FacilityScore, FacilityWithAccess, LatestValue } from '../api/types.ts';
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

/** The sources of {@link joinFleet}; each may be missing. */
export interface FleetSources {
  /** Facility details (for the mains channels of each facility). */
  catalog?: FacilityDetail[];
  latest?: LatestValue[];
  /** Today's energy (Wh) per facility id. */
  today?: Map<string, number>;
  alerts?: Alert[];
  scores?: FacilityScore[];
}

/** Joins the sources by facility id; mains power of several meters adds up. */
export function joinFleet(facilities: FacilityWithAccess[], src: FleetSources): FleetRow[] {
  const mainsOf = new Map<string, string>();
  for (const d of src.catalog ?? [])
    for (const c of d.channels)
      if (c.isMains && c.measurement === 'power' && (c.unit === 'W' || c.unit === 'kW'))
        mainsOf.set(c.id, d.facility.id);
  const power = new Map<string, { value: number; ts: number }>();
  for (const l of src.latest ?? []) {
    const f = mainsOf.get(l.channelId);
    if (!f) continue;
    const prev = power.get(f);
    power.set(f, { value: (prev?.value ?? 0) + l.value, ts: Math.max(prev?.ts ?? 0, l.ts) });
  }
  const open = new Map<string, number>();
  for (const a of src.alerts ?? [])
    if (a.state === 'open') open.set(a.facilityId, (open.get(a.facilityId) ?? 0) + 1);
  const score = new Map((src.scores ?? []).map((s) => [s.facilityId, s]));
  return facilities.map((f) => ({
    facility: f,
    latestPower: power.get(f.id)?.value ?? null,
    latestTs: power.get(f.id)?.ts ?? null,
    todayEnergy: src.today ? (src.today.get(f.id) ?? 0) : null,
    openAlerts: open.get(f.id) ?? 0,
    score: score.get(f.id) ?? null,
  }));
}

/** Today's electric energy per facility from daily rollups (one request per facility, a few at a time). */
export async function loadTodayEnergy(
  api: Api,
  facilities: FacilityWithAccess[],
  now: number,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const queue = [...facilities];
  const worker = async () => {
    for (let f = queue.shift(); f; f = queue.shift()) {
      const rows = await api.rollups({
        level: 'facility',
        key: f.id,
        period: 'day',
        from: now - 2 * 86_400_000,
        to: now + 86_400_000,
      });
      const today = localDate(now, f.timeZone);
      out.set(
        f.id,
        rows.filter((r) => r.label === today && r.unit === 'Wh').reduce((s, r) => s + r.energy, 0),
      );
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return out;
}

/** Details of every facility (meters and channels), a few requests at a time. */
export async function loadCatalog(api: Api, facilities: FacilityWithAccess[]): Promise<FacilityDetail[]> {
  const out: FacilityDetail[] = [];
  const queue = [...facilities];
  const worker = async () => {
    for (let f = queue.shift(); f; f = queue.shift()) out.push(await api.facility(f.id));
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return out.sort((a, b) => a.facility.name.localeCompare(b.facility.name));
}
