/**
 * The channels ingest may accept, with the facts routing and authorisation need: which organisation,
 * facility and meter each channel belongs to. Loaded from the catalog; reloaded on a miss at most
 * every `minRefreshMs`, so a newly registered meter starts streaming without a restart.
 */
import type { Measurement, Unit } from '../domain/types.ts';
import type { CatalogRepo } from '../store/ports/catalog.ts';

/** What the real-time layer knows about a channel. */
export interface ChannelInfo {
  id: string;
  orgId: string;
  facilityId: string;
  meterId: string;
  name: string;
  isMains: boolean;
  /** What the values mean, so alerts and live views say W or Wh per interval. */
  measurement: Measurement;
  /** Unit of its values: ingest refuses values beyond the unit's physical range; alerts carry it. */
  unit: Unit;
  /** Nominal sampling or interval length, ms; null when irregular. */
  intervalMs: number | null;
}

/** Lookup of channels by id and by (organisation, meter, channel name). */
export interface ChannelDirectory {
  /** A channel by id, or undefined. */
  byId(id: string): ChannelInfo | undefined;
  /** A channel by its topic path (its name, or the short name its id ends with), or undefined. */
  byName(orgId: string, meterId: string, name: string): ChannelInfo | undefined;
  /** Every known channel. */
  all(): ChannelInfo[];
  /** Reloads from the catalog if the last load is older than the minimum interval (or `force`). */
  refresh(force?: boolean): Promise<void>;
}

/** Options of {@link createChannelDirectory}. */
export interface DirectoryDeps {
  catalog: Pick<CatalogRepo, 'listFacilities' | 'listMeters' | 'listChannels'>;
  now?: () => number;
  /** Least time between two reloads caused by misses; default 5 s. */
  minRefreshMs?: number;
}

/** Creates a directory over the catalog; call `refresh(true)` once before use. */
export function createChannelDirectory(deps: DirectoryDeps): ChannelDirectory {
  const now = deps.now ?? Date.now;
  let byId = new Map<string, ChannelInfo>();
  let byName = new Map<string, ChannelInfo>();
  let loadedAt = -Infinity;
  let loading: Promise<void> | undefined;
  const load = async (): Promise<void> => {
    const [facilities, meters, channels] = await Promise.all([
      deps.catalog.listFacilities(),
      deps.catalog.listMeters(),
      deps.catalog.listChannels(),
    ]);
    const orgOf = new Map(facilities.map((f) => [f.id, f.orgId]));
    const facilityOf = new Map(meters.map((m) => [m.id, m.facilityId]));
    const nextById = new Map<string, ChannelInfo>();
    const nextByName = new Map<string, ChannelInfo>();
    for (const c of channels) {
      const facilityId = facilityOf.get(c.meterId);
      const orgId = facilityId === undefined ? undefined : orgOf.get(facilityId);
      if (facilityId === undefined || orgId === undefined) continue;
      const info: ChannelInfo = {
        id: c.id,
        orgId,
        facilityId,
        meterId: c.meterId,
        name: c.name,
        isMains: c.isMains,
        measurement: c.measurement,
        unit: c.unit,
        intervalMs: c.intervalMs,
      };
      nextById.set(c.id, info);
      nextByName.set(nameKey(orgId, c.meterId, c.name), info);
      // Imported channels have a readable name ("Electricity, meter E123"); their topic path is the
      // short name their id ends with (`<meter id>:mains`), which always addresses them too.
      const short = shortName(c.id, c.meterId);
      if (short && short !== c.name && !nextByName.has(nameKey(orgId, c.meterId, short)))
        nextByName.set(nameKey(orgId, c.meterId, short), info);
    }
    byId = nextById;
    byName = nextByName;
    loadedAt = now();
  };
  return {
    byId: (id) => byId.get(id),
    byName: (orgId, meterId, name) => byName.get(nameKey(orgId, meterId, name)),
    all: () => [...byId.values()],
    async refresh(force = false) {
      if (!force && now() - loadedAt < (deps.minRefreshMs ?? 5000)) return;
      loading ??= load().finally(() => (loading = undefined));
      await loading;
    },
  };
}

/** The channel part of an id `<meter id>:<name>` or `<meter id>.<name>`, or undefined. */
function shortName(channelId: string, meterId: string): string | undefined {
  const sep = channelId[meterId.length];
  return channelId.startsWith(meterId) && (sep === ':' || sep === '.')
    ? channelId.slice(meterId.length + 1)
    : undefined;
}

function nameKey(orgId: string, meterId: string, name: string): string {
  return `${orgId}\u0000${meterId}\u0000${name}`;
}
