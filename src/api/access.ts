/**
 * Authorisation of facility-level data: a caller sees the facilities of their own organisation and
 * those shared with them (directly or with their organisation). Everything below a facility (meters,
 * channels, readings, rollups, alerts) follows the facility. Objects the caller may not see are
 * reported as "not found" so that their existence does not leak.
 */
import type { Facility } from '../domain/types.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import type { ShareAccess } from '../store/ports/accounts.ts';
import type { Store } from '../store/store.ts';
import { type Principal, roleAtLeast } from './principal.ts';
import { type Generations, TAG, createGenerations } from './serving/generations.ts';
import { createServingCache } from './serving/serving-cache.ts';
import { createTtlCache } from './ttl-cache.ts';

/** What a caller may do with a facility. */
export type FacilityAccess = 'read' | 'edit';

/** Facility-level authorisation checks, decorated on the server as `app.access`. */
export interface AccessControl {
  /** The caller's access to a facility, or undefined when they may not see it (or it does not exist). */
  facilityAccess(principal: Principal, facilityId: string): Promise<FacilityAccess | undefined>;
  /** True when the caller may read the facility and everything below it. */
  canReadFacility(principal: Principal, facilityId: string): Promise<boolean>;
  /** True when the caller may change the facility (own organisation as analyst/admin, or an edit share). */
  canEditFacility(principal: Principal, facilityId: string): Promise<boolean>;
  /** The facility if readable; NotFoundError otherwise. */
  readableFacilityOrThrow(principal: Principal, facilityId: string): Promise<Facility>;
  /** The facility if editable; NotFoundError when not readable, ForbiddenError when read-only. */
  editableFacilityOrThrow(principal: Principal, facilityId: string): Promise<Facility>;
  /** The facility of a channel if the caller may read it; NotFoundError otherwise. */
  channelFacilityOrThrow(principal: Principal, channelId: string): Promise<Facility>;
  /** Every facility the caller may read with their access, own organisation first. */
  readableFacilities(principal: Principal): Promise<{ facility: Facility; access: FacilityAccess }[]>;
  /** Forgets cached facilities and shares; call after changing either. */
  invalidate(): void;
}

/**
 * Builds the {@link AccessControl} over the store's catalog and shares. Facility rows, channel
 * parents and share lists are cached for `cacheTtlMs` (default 2 s); the server clears the cache after
 * each change it makes, so the TTL only bounds changes made by other processes.
 */
export function createAccessControl(
  store: Store,
  opts: {
    cacheTtlMs?: number;
    /** What the store reports its catalog changes to: an organisation's facility list follows them at once. */
    generations?: Generations;
  } = {},
): AccessControl {
  const ttlMs = opts.cacheTtlMs ?? 2000;
  const ownFacilities = createServingCache<Facility[]>({
    generations: opts.generations ?? createGenerations(),
    ttlMs,
    max: 10_000,
  });
  const facilities = createTtlCache<Facility | undefined>({ ttlMs, max: 50_000 });
  const channelParents = createTtlCache<string | undefined>({ ttlMs, max: 100_000 });
  const shares = createTtlCache<Map<string, ShareAccess>>({ ttlMs, max: 10_000 });
  const getFacility = (id: string) => facilities.get(id, () => store.catalog.getFacility(id));
  const sharedWith = (p: Principal) =>
    shares.get(`${p.userId ?? ''}\u0000${p.orgId}`, () =>
      store.accounts.sharedWith(p.userId ?? null, p.orgId),
    );
  /** The facility id of a channel (through its meter), or undefined. */
  const channelFacilityId = (channelId: string) =>
    channelParents.get(channelId, async () => {
      const ch = await store.catalog.getChannel(channelId);
      const meter = ch ? await store.catalog.getMeter(ch.meterId) : undefined;
      return meter?.facilityId;
    });
  const ownAccess = (p: Principal): FacilityAccess => (roleAtLeast(p.role, 'analyst') ? 'edit' : 'read');
  // A viewer stays read-only even when the facility is shared with edit rights.
  const cap = (p: Principal, a: FacilityAccess): FacilityAccess => (ownAccess(p) === 'read' ? 'read' : a);

  const accessTo = async (
    p: Principal,
    facility: Facility | undefined,
  ): Promise<FacilityAccess | undefined> => {
    if (!facility) return undefined;
    if (facility.orgId === p.orgId) return ownAccess(p);
    const shared = await sharedWith(p);
    const a = shared.get(facility.id);
    return a === undefined ? undefined : cap(p, a);
  };

  const self: AccessControl = {
    async facilityAccess(p, facilityId) {
      return accessTo(p, await getFacility(facilityId));
    },
    async canReadFacility(p, facilityId) {
      return (await self.facilityAccess(p, facilityId)) !== undefined;
    },
    async canEditFacility(p, facilityId) {
      return (await self.facilityAccess(p, facilityId)) === 'edit';
    },
    async readableFacilityOrThrow(p, facilityId) {
      const f = await getFacility(facilityId);
      if (!f || !(await accessTo(p, f))) throw new NotFoundError('facility', facilityId);
      return f;
    },
    async editableFacilityOrThrow(p, facilityId) {
      const f = await getFacility(facilityId);
      const a = await accessTo(p, f);
      if (!f || !a) throw new NotFoundError('facility', facilityId);
      if (a !== 'edit') throw new ForbiddenError(`you may only read facility '${facilityId}'`);
      return f;
    },
    async channelFacilityOrThrow(p, channelId) {
      const facilityId = await channelFacilityId(channelId);
      const f = facilityId === undefined ? undefined : await getFacility(facilityId);
      if (!f || !(await accessTo(p, f))) throw new NotFoundError('channel', channelId);
      return f;
    },
    async readableFacilities(p) {
      const own = await ownFacilities.get(p.orgId, [TAG.catalog], () =>
        store.catalog.listFacilities({ orgId: p.orgId }),
      );
      const out = own.map((facility) => ({ facility, access: ownAccess(p) }));
      const shared = await sharedWith(p);
      for (const [id, access] of shared) {
        const f = await getFacility(id);
        if (f && f.orgId !== p.orgId) out.push({ facility: f, access: cap(p, access) });
      }
      return out;
    },
    invalidate() {
      facilities.clear();
      ownFacilities.clear();
      channelParents.clear();
      shares.clear();
    },
  };
  return self;
}
