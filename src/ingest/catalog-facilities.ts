/**
 * The facility rows of an import: the import's own facility (created, or updated with what the user
 * gave explicitly) and those a utility source names for its services (created, or filled in, or, for
 * a registration, updated). Another organisation's facility is never written to.
 */
import type { Facility } from '../domain/types.ts';
import { ConflictError } from '../errors.ts';
import type { StorePort } from '../store/store.ts';
import type { FacilityInfo } from './catalog.ts';
import type { FacilityDraft } from './catalog-routing.ts';

/** The store as {@link FacilityWriter} calls it. */
export type FacilityWriterStore = StorePort<
  'catalog',
  'getOrganisation' | 'upsertOrganisations' | 'getFacilities' | 'upsertFacilities'
>;

/** Creates and updates an import's facilities. */
export class FacilityWriter {
  /** Facilities named by the source (besides the import's own), by id. */
  private readonly drafts = new Map<string, FacilityDraft>();
  /** Facilities already created or updated by this import. */
  private readonly ensured = new Set<string>();
  /** The facility as this import created it (null when it existed before). */
  private created: Facility | null = null;
  /** True once the organisation is known to exist (checked once per import). */
  private orgReady = false;

  constructor(
    private readonly store: FacilityWriterStore,
    private readonly facility: FacilityInfo,
    private readonly now: () => number,
  ) {}

  /**
   * At the end of an import: an import that declared nothing still creates (or updates) its
   * facility, and a facility it created takes what the source said after the first write (Green
   * Button LocalTimeParameters, its usage point's title as name and kind, an address late in a feed).
   */
  async finish(): Promise<void> {
    if (this.ensured.size === 0) await this.ensure([this.facility.id]);
    const c = this.created;
    const f = this.facility;
    if (
      c &&
      (c.timeZone !== f.timeZone || c.address !== f.address || c.name !== f.name || c.kind !== f.kind)
    ) {
      await this.store.catalog.upsertFacilities([
        { ...c, timeZone: f.timeZone, address: f.address, name: f.name, kind: f.kind },
      ]);
    }
  }

  /** Remembers what the source says about a facility other than the import's own. */
  draft(d: FacilityDraft): void {
    const had = this.drafts.get(d.id);
    this.drafts.set(d.id, had && !d.authoritative ? { ...d, ...had } : { ...had, ...d });
  }

  /**
   * Creates or updates each facility of `ids` once per import, before the first meter in it is
   * written: the import's own facility from what the import knows, one the source named from its
   * draft. Set-based: one read for all of them and one upsert, however many a fleet file names.
   */
  async ensure(ids: readonly string[]): Promise<void> {
    const todo = [...new Set(ids)].filter((id) => !this.ensured.has(id));
    if (todo.length === 0) return;
    const f = this.facility;
    const cat = this.store.catalog;
    if (!this.orgReady) {
      if (!(await cat.getOrganisation(f.orgId)))
        await cat.upsertOrganisations([{ id: f.orgId, name: f.orgId, createdAt: this.now() }]);
      this.orgReady = true;
    }
    const stored = new Map((await cat.getFacilities(todo)).map((x) => [x.id, x]));
    for (const x of stored.values()) {
      // Facility ids are global: another organisation's facility is neither written to nor changed.
      if (x.orgId !== f.orgId)
        throw new ConflictError(
          `facility '${x.id}' belongs to another organisation; import into a facility id of your own (--facility)`,
        );
    }
    const writes: Facility[] = [];
    for (const id of todo) {
      this.ensured.add(id);
      const existing = stored.get(id);
      // A facility the source named, or the existing facility of a meter found by its service.
      const d = id === f.id ? undefined : this.drafts.get(id);
      const row = id === f.id ? this.ownRow(existing) : d ? this.draftRow(d, existing) : undefined;
      if (row) writes.push(row);
    }
    if (writes.length) await cat.upsertFacilities(writes);
  }

  /** The import's own facility to write: created, or updated with what the user gave explicitly. */
  private ownRow(existing: Facility | undefined): Facility | undefined {
    const f = this.facility;
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
      return this.created;
    }
    if (f.explicit.size === 0) return undefined;
    return {
      ...existing,
      kind: f.explicit.has('kind') ? f.kind : existing.kind,
      zip: f.explicit.has('zip') ? f.zip : existing.zip,
      address: f.explicit.has('address') ? f.address : existing.address,
      timeZone: f.explicit.has('timeZone') ? f.timeZone : existing.timeZone,
    };
  }

  /**
   * A facility the source named, to create, or to update when it exists: a registration replaces its
   * name, kind, zip and address; other sources only fill what is missing. The user's explicit time
   * zone and kind apply to facilities this import creates. Undefined when nothing changes.
   */
  private draftRow(d: FacilityDraft, existing: Facility | undefined): Facility | undefined {
    const f = this.facility;
    if (!existing) {
      return {
        id: d.id,
        orgId: f.orgId,
        name: d.name,
        kind: f.explicit.has('kind') ? f.kind : (d.kind ?? f.kind),
        address: d.address ?? null,
        zip: d.zip ?? null,
        timeZone: f.timeZone,
        tags: [],
        createdAt: this.now(),
      };
    }
    const pick = <T>(mine: T | null | undefined, theirs: T): T =>
      mine === undefined || mine === null ? theirs : d.authoritative || theirs === null ? mine : theirs;
    const next: Facility = {
      ...existing,
      name: d.authoritative ? d.name : existing.name,
      kind: d.authoritative && d.kind ? d.kind : existing.kind,
      zip: pick(d.zip, existing.zip),
      address: pick(d.address, existing.address),
    };
    return JSON.stringify(next) === JSON.stringify(existing) ? undefined : next;
  }
}
