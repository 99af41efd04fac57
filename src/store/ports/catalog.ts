import type { Channel, Facility, Meter, Organisation } from '../../domain/types.ts';

/** Organisations, facilities, meters and channels. Upserts are idempotent on id. */
export interface CatalogRepo {
  /** Creates or updates organisations. */
  upsertOrganisations(orgs: Organisation[]): Promise<void>;
  /** Creates or updates facilities. */
  upsertFacilities(facilities: Facility[]): Promise<void>;
  /** Creates or updates meters. */
  upsertMeters(meters: Meter[]): Promise<void>;
  /** Creates or updates channels. */
  upsertChannels(channels: Channel[]): Promise<void>;
  /** One organisation, or undefined. */
  getOrganisation(id: string): Promise<Organisation | undefined>;
  /** One facility, or undefined. */
  getFacility(id: string): Promise<Facility | undefined>;
  /** One meter, or undefined. */
  getMeter(id: string): Promise<Meter | undefined>;
  /** One channel, or undefined. */
  getChannel(id: string): Promise<Channel | undefined>;
  /** Facilities, optionally of one organisation. */
  listFacilities(filter?: { orgId?: string }): Promise<Facility[]>;
  /** Meters, optionally of one facility. */
  listMeters(filter?: { facilityId?: string }): Promise<Meter[]>;
  /** Channels, optionally of one meter or facility. */
  listChannels(filter?: { meterId?: string; facilityId?: string }): Promise<Channel[]>;
}
