/**
 * Live figures of facilities for the fleet list and the facility dashboard: latest mains power (sum of
 * the newest values of each meter's mains power channels, or, for a meter that only reports energy per
 * interval, its average power over the newest interval, flagged as derived), today's energy (the batch layer's rollup of the
 * facility's current local day) and the number of open alerts. Computed in bulk: a handful of queries
 * for any number of facilities.
 */
import { livePowerChannels, powerConversion } from '../domain/power.ts';
import type { Channel, Facility } from '../domain/types.ts';
import type { Store } from '../store/store.ts';
import type { LatestValue } from '../stream/windows.ts';
import { localDate } from '../util/time/index.ts';

const DAY = 86_400_000;

/** Live figures of one facility. */
export interface FacilityStats {
  /** Sum of the latest mains power values in W; null when no mains power channel has reported. */
  latestPower: number | null;
  /**
   * True when (part of) `latestPower` is derived from interval energy (average power over the newest
   * interval) rather than measured; false when measured or when there is no value.
   */
  latestPowerDerived: boolean;
  /** Time of the oldest of those latest values (how fresh the sum is), UTC ms; null with no value. */
  latestTs: number | null;
  /** Energy of the facility's current local day so far, per unit (Wh for electricity). */
  today: { unit: string; energy: number }[];
  openAlerts: number;
}

/**
 * Computes {@link FacilityStats} for facilities (all of one caller's readable set, or one).
 * `listRollups` and `channelsOf` default to the store's; the server passes its cached ones.
 */
export async function facilityStats(
  store: Store,
  facilities: Facility[],
  now: number,
  cached: {
    listRollups?: Store['rollups']['listRollups'];
    channelsOf?: (facilityId: string) => Promise<Channel[]>;
    /** Latest values the caller already read (at least those of the mains channels); saves a query. */
    latest?: LatestValue[];
    /** Open alerts per facility (the server's served counts); default a store query. */
    openAlerts?: (facilityIds: readonly string[]) => Promise<Map<string, number>>;
  } = {},
): Promise<Map<string, FacilityStats>> {
  const listRollups = cached.listRollups ?? ((q) => store.rollups.listRollups(q));
  const channelsOf = cached.channelsOf ?? ((facilityId) => store.catalog.listChannels({ facilityId }));
  const out = new Map<string, FacilityStats>();
  if (facilities.length === 0) return out;
  for (const f of facilities)
    out.set(f.id, { latestPower: null, latestPowerDerived: false, latestTs: null, today: [], openAlerts: 0 });
  const ids = facilities.map((f) => f.id);

  const mainsByFacility = await mainsPowerChannels(store, facilities, channelsOf);
  const mainsIds = [...mainsByFacility.values()].flat().map((c) => c.id);
  const latest =
    cached.latest ?? (mainsIds.length ? await store.live.getLatest({ channelIds: mainsIds }) : []);
  const latestOf = new Map(latest.map((l) => [l.channelId, l]));
  for (const [facilityId, channels] of mainsByFacility) {
    const s = out.get(facilityId)!;
    for (const c of channels) {
      const l = latestOf.get(c.id);
      const conv = powerConversion(c);
      if (!l || !conv) continue;
      s.latestPower = (s.latestPower ?? 0) + l.value * conv.factor;
      if (conv.derived) s.latestPowerDerived = true;
      s.latestTs = s.latestTs === null ? l.ts : Math.min(s.latestTs, l.ts);
    }
  }

  // Today's local day starts at most 14 h before now's UTC midnight and at most 12 h after. Whole UTC
  // days around it, so that the query (the server caches rollup reads by query) stays the same all day
  // instead of changing with every millisecond of `now`.
  const midnight = Math.floor(now / DAY) * DAY;
  const range = {
    period: 'day' as const,
    level: 'facility' as const,
    from: midnight - DAY,
    to: midnight + DAY,
  };
  const byOrg = new Map<string, Facility[]>();
  for (const f of facilities) byOrg.set(f.orgId, [...(byOrg.get(f.orgId) ?? []), f]);
  for (const [orgId, list] of byOrg) {
    const rows =
      list.length === 1
        ? await listRollups({ ...range, facilityId: list[0]!.id })
        : await listRollups({ ...range, orgId });
    const wanted = new Map(list.map((f) => [f.id, localDate(now, f.timeZone)]));
    for (const r of rows) {
      if (wanted.get(r.key) === r.label) out.get(r.key)!.today.push({ unit: r.unit, energy: r.energy });
    }
  }

  const open = await (cached.openAlerts ?? ((list) => countOpenAlerts(store, list)))(ids);
  for (const [facilityId, n] of open) {
    const s = out.get(facilityId);
    if (s) s.openAlerts = n;
  }
  return out;
}

/** Open alerts per facility, by one store query. */
async function countOpenAlerts(store: Store, facilityIds: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const alerts = await store.alerts.listAlerts({
    facilityIds: [...facilityIds],
    states: ['open'],
    limit: 100_000,
  });
  for (const a of alerts) out.set(a.facilityId, (out.get(a.facilityId) ?? 0) + 1);
  return out;
}

/** The channels giving each facility's live mains power ({@link livePowerChannels}). */
async function mainsPowerChannels(
  store: Store,
  facilities: Facility[],
  channelsOf: (facilityId: string) => Promise<Channel[]>,
): Promise<Map<string, Channel[]>> {
  const out = new Map<string, Channel[]>();
  if (facilities.length <= 3) {
    for (const f of facilities) out.set(f.id, livePowerChannels(await channelsOf(f.id)));
    return out;
  }
  const wanted = new Set(facilities.map((f) => f.id));
  const meterFacility = new Map(
    (await store.catalog.listMeters())
      .filter((m) => wanted.has(m.facilityId))
      .map((m) => [m.id, m.facilityId]),
  );
  for (const c of livePowerChannels(await store.catalog.listChannels())) {
    const f = meterFacility.get(c.meterId);
    if (f) out.set(f, [...(out.get(f) ?? []), c]);
  }
  return out;
}
