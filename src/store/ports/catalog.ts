import type { Channel, Facility, FacilityKind, Meter, Organisation } from '../../domain/types.ts';

/** Filters of {@link CatalogRepo.listFacilities}; every given field must match. */
export interface FacilityFilter {
  orgId?: string;
  kind?: FacilityKind;
  zip?: string;
  /** Case-insensitive substring of the name, address or id. */
  search?: string;
}

/**
 * Organisations, facilities, meters and channels. Upserts are idempotent on id. Each channel gets an
 * integer key on its first upsert that never changes afterwards (readings refer to it).
 */
export interface CatalogRepo {
  /** Creates or updates organisations. */
  upsertOrganisations(orgs: Organisation[]): Promise<void>;
  /** Creates or updates facilities. */
  upsertFacilities(facilities: Facility[]): Promise<void>;
  /** Creates or updates meters. */
  upsertMeters(meters: Meter[]): Promise<void>;
  /** Creates or updates channels; a channel keeps its integer key across upserts. */
  upsertChannels(channels: Channel[]): Promise<void>;
  /** One organisation, or undefined. */
  getOrganisation(id: string): Promise<Organisation | undefined>;
  /** One facility, or undefined. */
  getFacility(id: string): Promise<Facility | undefined>;
  /** One meter, or undefined. */
  getMeter(id: string): Promise<Meter | undefined>;
  /** One channel, or undefined. */
  getChannel(id: string): Promise<Channel | undefined>;
  /**
   * The facilities among `ids` that exist, in no particular order: one round trip per few hundred
   * ids, so that an import of a fleet does not ask for its facilities one at a time.
   */
  getFacilities(ids: readonly string[]): Promise<Facility[]>;
  /** The meters among `ids` that exist, in no particular order (set-based, as {@link getFacilities}). */
  getMeters(ids: readonly string[]): Promise<Meter[]>;
  /** The channels among `ids` that exist, in no particular order (set-based, as {@link getFacilities}). */
  getChannels(ids: readonly string[]): Promise<Channel[]>;
  /** Organisations ordered by id. */
  listOrganisations(): Promise<Organisation[]>;
  /** Facilities matching the filter, ordered by id. */
  listFacilities(filter?: FacilityFilter): Promise<Facility[]>;
  /** Meters, optionally of one facility, ordered by id. */
  listMeters(filter?: { facilityId?: string }): Promise<Meter[]>;
  /** Channels, optionally of one meter or facility (through its meters), ordered by id. */
  listChannels(filter?: { meterId?: string; facilityId?: string }): Promise<Channel[]>;
}
