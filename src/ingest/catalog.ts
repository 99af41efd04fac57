/**
 * Builds the catalog rows an import needs (organisation, facilities, meters, channels) and upserts them
 * before the first reading that refers to them is written. Ids derive from the source, so that a
 * re-import maps to the same rows: meter `<facility>:<meter>`, channel `<meter id>:<channel>`. Most
 * files fill one facility (the import's); utility files place each meter by its service
 * (catalog-routing.ts).
 */
import type { Channel, FacilityKind, Meter, Unit } from '../domain/types.ts';
import { ConflictError } from '../errors.ts';
import type { StorePort } from '../store/store.ts';
import { FacilityWriter, type FacilityWriterStore } from './catalog-facilities.ts';
import { type FacilityDraft, type MeterKeys, OrgMeters, slug } from './catalog-routing.ts';
import type { ChannelSpec } from './types.ts';

export { slug } from './catalog-routing.ts';

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
  /**
   * True when the user named the facility (`--facility`): every meter goes there. Otherwise utility
   * formats may place meters in the facilities of their services.
   */
  chosen?: boolean;
}

/** Extra meter fields from sources that know them (UtilityAPI, Green Button). */
export type MeterInfo = Partial<Omit<Meter, 'id' | 'facilityId'>>;

/** Where {@link CatalogBuilder.placeMeter} may put a meter. */
export interface MeterPlace {
  /** Keys to find the meter among the organisation's existing meters. */
  keys?: MeterKeys;
  /** The facility the source names for it (its service address, its registration). */
  facility?: FacilityDraft;
}

/** The store as {@link CatalogBuilder} calls it (with its facility writer and the org's meter index). */
export type CatalogBuilderStore = FacilityWriterStore &
  StorePort<
    'catalog',
    'listFacilities' | 'listMeters' | 'getMeters' | 'upsertMeters' | 'getChannels' | 'upsertChannels'
  >;

/** Registers channels during parsing (synchronously) and upserts them in {@link flush}. */
export class CatalogBuilder {
  /** Channel ids by index, as referenced by reading batches. */
  readonly channelIds: string[] = [];
  /** Unit of each channel, by the same index as {@link channelIds}. */
  readonly channelUnits: Unit[] = [];
  private readonly byKey = new Map<string, number>();
  private readonly meters = new Map<string, Meter>();
  private pendingMeters: Meter[] = [];
  private pendingChannels: Channel[] = [];
  private orgMeters: OrgMeters | null = null;
  /** Meters whose service type the source stated (others keep a stored meter's type). */
  private readonly typed = new Set<string>();
  /** Meters this import has upserted already. */
  private readonly written = new Set<string>();
  private readonly facilities: FacilityWriter;

  constructor(
    private readonly store: CatalogBuilderStore,
    readonly facility: FacilityInfo,
    now: () => number = Date.now,
  ) {
    this.facilities = new FacilityWriter(store, facility, now);
  }

  /** Facility ids this import put meters in, in the order it first did. */
  get facilityIds(): string[] {
    return [...new Set([...this.meters.values()].map((m) => m.facilityId))];
  }

  /** Meter id for a meter name of the import's facility. */
  meterId(meter: string): string {
    return `${this.facility.id}:${slug(meter)}`;
  }

  /**
   * Reads the organisation's meters so that {@link placeMeter} can find them; formats that place
   * meters by service call it once before parsing. Nothing is read when the user chose the facility.
   */
  async loadOrgMeters(): Promise<void> {
    if (this.facility.chosen || this.orgMeters) return;
    this.orgMeters = await OrgMeters.load(this.store, this.facility.orgId);
  }

  /** The organisation's meter matching `keys` (after {@link loadOrgMeters}), or undefined. */
  knownMeter(keys: MeterKeys): Meter | undefined {
    return this.facility.chosen ? undefined : this.orgMeters?.find(keys);
  }

  /**
   * Declares a meter of a utility source and returns its id: the organisation's existing meter with
   * the same service id, meter number or uid; else a meter in the facility the source names; else
   * (or when the user chose the facility) a meter `name` in the import's facility.
   */
  placeMeter(name: string, info: MeterInfo, place: MeterPlace): string {
    if (this.facility.chosen) return this.meter(name, info).id;
    const found = place.keys ? this.orgMeters?.find(place.keys) : undefined;
    if (found) {
      if (place.facility?.authoritative) this.facilities.draft({ ...place.facility, id: found.facilityId });
      return this.register(found.id, found.facilityId, info, found).id;
    }
    if (!place.facility) return this.meter(name, info).id;
    const facilityId = place.facility.id;
    if (facilityId !== this.facility.id) this.facilities.draft(place.facility);
    return this.register(`${facilityId}:${slug(name)}`, facilityId, info).id;
  }

  /** Declares (or updates, before its first flush) a meter of the import's facility. */
  meter(name: string, info: MeterInfo = {}): Meter {
    return this.register(this.meterId(name), this.facility.id, info);
  }

  /** Index of the channel in {@link channelIds}, registering it on first use. */
  channel(spec: ChannelSpec): number {
    const meterId = spec.meterId ?? this.meterId(spec.meter);
    const id = `${meterId}:${slug(spec.name)}`;
    let idx = this.byKey.get(id);
    if (idx === undefined) {
      if (!this.meters.has(meterId)) this.meter(spec.meter);
      idx = this.channelIds.length;
      this.channelIds.push(id);
      this.channelUnits.push(spec.unit);
      this.byKey.set(id, idx);
      this.pendingChannels.push({
        id,
        meterId,
        name: spec.label?.trim() || slug(spec.name),
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

  /**
   * Upserts everything registered since the last flush (organisation and facilities first). Set-based:
   * one read of the stored rows per kind and one upsert, so that a fleet file with thousands of
   * meters costs a few round trips, not one per name; a meter already written by this import is not
   * read again (its stored row is what this import wrote).
   */
  async flush(): Promise<void> {
    if (this.pendingMeters.length) {
      const meters = this.pendingMeters;
      this.pendingMeters = [];
      await this.facilities.ensure(meters.map((m) => m.facilityId));
      const unread = meters.filter((m) => !this.written.has(m.id)).map((m) => m.id);
      const stored = new Map((await this.store.catalog.getMeters(unread)).map((m) => [m.id, m]));
      for (const m of meters) {
        const existing = stored.get(m.id);
        if (!existing) continue;
        // An id that already names another facility's meter must never be moved into this one.
        if (existing.facilityId !== m.facilityId) {
          throw new ConflictError(
            `meter '${m.id}' already belongs to facility '${existing.facilityId}'; import into another facility id (--facility)`,
          );
        }
        // What this source does not say (a long CSV knows no service id) keeps its stored value.
        for (const k of ['utilityMeterNumber', 'serviceId', 'tariff', 'utility'] as const)
          m[k] ??= existing[k];
        if (!this.typed.has(m.id)) m.serviceType = existing.serviceType;
      }
      await this.store.catalog.upsertMeters(meters);
      for (const m of meters) this.written.add(m.id);
    }
    if (this.pendingChannels.length) {
      const channels = this.pendingChannels;
      this.pendingChannels = [];
      const stored = new Map(
        (await this.store.catalog.getChannels(channels.map((c) => c.id))).map((c) => [c.id, c]),
      );
      for (const c of channels) {
        const existing = stored.get(c.id);
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
   * Called at the end of an import: writes what is left, and the facility updates that wait for the
   * whole source ({@link FacilityWriter.finish}).
   */
  async finish(): Promise<void> {
    await this.flush();
    await this.facilities.finish();
  }

  /** Adds or updates a meter; null or missing fields of `info` leave known values alone. */
  private register(id: string, facilityId: string, info: MeterInfo, existing?: Meter): Meter {
    let m = this.meters.get(id);
    if (!m) {
      m = existing
        ? { ...existing }
        : {
            id,
            facilityId,
            serviceType: 'electricity',
            utilityMeterNumber: null,
            serviceId: null,
            tariff: null,
            utility: null,
          };
      this.meters.set(id, m);
      this.pendingMeters.push(m);
    }
    if (info.serviceType) this.typed.add(id);
    let changed = false;
    for (const [k, v] of Object.entries(info) as [keyof MeterInfo, string][]) {
      if (v === undefined || v === null || m[k] === v) continue;
      (m as unknown as Record<string, string>)[k] = v;
      changed = true;
    }
    // A meter flushed before is written again when the source tells more about it.
    if (changed && !this.pendingMeters.includes(m)) this.pendingMeters.push(m);
    this.orgMeters?.add(m);
    return m;
  }
}
