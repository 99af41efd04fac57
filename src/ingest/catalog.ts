/**
 * Builds the catalog rows an import needs (organisation, facility, meters, channels) and upserts them
 * before the first reading that refers to them is written. Ids derive from the source, so that a
 * re-import maps to the same rows: meter `<facility>:<meter>`, channel `<meter id>:<channel>`.
 */
import type { Channel, Facility, FacilityKind, Meter } from '../domain/types.ts';
import { ConflictError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { ChannelSpec } from './types.ts';

/** Lower-case id part: letters, digits, `_` and `-` only. */
export function slug(text: string): string {
  const s = text
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s || 'x';
}

/** What the import knows about its facility. */
export interface FacilityInfo {
  orgId: string;
  id: string;
  name: string;
  kind: FacilityKind;
  zip: string | null;
  address: string | null;
  timeZone: string;
  /** Fields the user gave explicitly; they overwrite an existing facility's values. */
  explicit: ReadonlySet<'kind' | 'zip' | 'timeZone' | 'address'>;
}

/** Extra meter fields from sources that know them (UtilityAPI, Green Button). */
export type MeterInfo = Partial<Omit<Meter, 'id' | 'facilityId'>>;

/** Registers channels during parsing (synchronously) and upserts them in {@link flush}. */
export class CatalogBuilder {
  /** Channel ids by index, as referenced by reading batches. */
  readonly channelIds: string[] = [];
  private readonly byKey = new Map<string, number>();
  private readonly meters = new Map<string, Meter>();
  private pendingMeters: Meter[] = [];
  private pendingChannels: Channel[] = [];
  private started = false;
  /** The facility as this import created it (null when it existed before). */
  private created: Facility | null = null;

  constructor(
    private readonly store: Store,
    readonly facility: FacilityInfo,
    private readonly now: () => number = Date.now,
  ) {}

  /** Meter id for a meter name of this facility. */
  meterId(meter: string): string {
    return `${this.facility.id}:${slug(meter)}`;
  }

  /** Declares (or updates, before its first flush) a meter's utility fields. */
  meter(name: string, info: MeterInfo = {}): Meter {
    const id = this.meterId(name);
    let m = this.meters.get(id);
    if (!m) {
      m = {
        id,
        facilityId: this.facility.id,
        serviceType: 'electricity',
        utilityMeterNumber: null,
        serviceId: null,
        tariff: null,
        utility: null,
      };
      this.meters.set(id, m);
      this.pendingMeters.push(m);
    }
    Object.assign(m, info);
    return m;
  }

  /** Index of the channel in {@link channelIds}, registering it on first use. */
  channel(spec: ChannelSpec): number {
    const meterId = this.meterId(spec.meter);
    const id = `${meterId}:${slug(spec.name)}`;
    let idx = this.byKey.get(id);
    if (idx === undefined) {
      if (!this.meters.has(meterId)) this.meter(spec.meter);
      idx = this.channelIds.length;
      this.channelIds.push(id);
      this.byKey.set(id, idx);
      this.pendingChannels.push({
        id,
        meterId,
        name: slug(spec.name),
        isMains: spec.isMains,
        appliance: spec.appliance,
        measurement: spec.measurement,
        unit: spec.unit,
        intervalMs: spec.intervalMs,
        maxGapMs: null,
        rolloverAt: null,
      });
    }
    return idx;
  }

  /** Upserts everything registered since the last flush (organisation and facility on the first). */
  async flush(): Promise<void> {
    if (!this.started) {
      this.started = true;
      await this.ensureFacility();
    }
    if (this.pendingMeters.length) {
      const meters = this.pendingMeters;
      this.pendingMeters = [];
      // An id that already names another facility's meter must never be moved into this one.
      for (const m of meters) {
        const existing = await this.store.catalog.getMeter(m.id);
        if (existing && existing.facilityId !== m.facilityId) {
          throw new ConflictError(
            `meter '${m.id}' already belongs to facility '${existing.facilityId}'; import into another facility id (--facility)`,
          );
        }
      }
      await this.store.catalog.upsertMeters(meters);
    }
    if (this.pendingChannels.length) {
      const channels = this.pendingChannels;
      this.pendingChannels = [];
      for (const c of channels) {
        const existing = await this.store.catalog.getChannel(c.id);
        if (existing && existing.meterId !== c.meterId) {
          throw new ConflictError(
            `channel '${c.id}' already belongs to meter '${existing.meterId}'; import into another facility id (--facility)`,
          );
        }
      }
      await this.store.catalog.upsertChannels(channels);
    }
  }

  /**
   * Called at the end of an import: a facility this import created is updated when the source said
   * more about it after the first write (Green Button LocalTimeParameters or an address late in a feed).
   */
  async finish(): Promise<void> {
    await this.flush();
    const c = this.created;
    const f = this.facility;
    if (c && (c.timeZone !== f.timeZone || c.address !== f.address)) {
      await this.store.catalog.upsertFacilities([{ ...c, timeZone: f.timeZone, address: f.address }]);
    }
  }

  private async ensureFacility(): Promise<void> {
    const f = this.facility;
    const cat = this.store.catalog;
    if (!(await cat.getOrganisation(f.orgId)))
      await cat.upsertOrganisations([{ id: f.orgId, name: f.orgId, createdAt: this.now() }]);
    const existing = await cat.getFacility(f.id);
    if (existing && existing.orgId !== f.orgId) {
      // Facility ids are global: another organisation's facility is neither written to nor changed.
      throw new ConflictError(
        `facility '${f.id}' belongs to another organisation; import into a facility id of your own (--facility)`,
      );
    }
    if (!existing) {
      this.created = {
        id: f.id,
        orgId: f.orgId,
        name: f.name,
        kind: f.kind,
        address: f.address,
        zip: f.zip,
        timeZone: f.timeZone,
        tags: [],
        createdAt: this.now(),
      };
      await cat.upsertFacilities([this.created]);
      return;
    }
    if (f.explicit.size === 0) return;
    await cat.upsertFacilities([
      {
        ...existing,
        kind: f.explicit.has('kind') ? f.kind : existing.kind,
        zip: f.explicit.has('zip') ? f.zip : existing.zip,
        address: f.explicit.has('address') ? f.address : existing.address,
        timeZone: f.explicit.has('timeZone') ? f.timeZone : existing.timeZone,
      },
    ]);
  }
}
