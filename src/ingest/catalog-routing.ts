/**
 * Which facility a source's meter belongs to. Utility files (UtilityAPI, seed 002's registrations)
 * carry many services at many addresses; an import without `--facility` places each meter where the
 * organisation already has it (matched by utility service id, utility meter number or service uid),
 * and otherwise in a facility of its own service address, so that a fleet does not collapse into
 * one facility named after the file.
 */
import type { FacilityKind, Meter } from '../domain/types.ts';
import type { StorePort } from '../store/store.ts';

/** A facility as a source describes it. */
export interface FacilityDraft {
  /** Facility id (a slug). */
  id: string;
  name: string;
  kind?: FacilityKind;
  zip?: string | null;
  address?: string | null;
  /**
   * True when the source is the authority on this facility (a registration record): its name, kind,
   * zip and address replace those of an existing facility. Otherwise only missing fields are filled.
   */
  authoritative?: boolean;
}

/** Identifiers by which a source's meter may be a meter the organisation already has. */
export interface MeterKeys {
  serviceId?: string | null;
  meterNumber?: string | null;
  /** The source's own meter id (UtilityAPI service_uid, a registration's meter id). */
  uid?: string | null;
}

/** Lower-case id part: letters, digits, `_` and `-` only. */
export function slug(text: string): string {
  const s = text
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s || 'x';
}

/**
 * The zip code at the end of a US service address (`596 Bleecker St, New York, NY 10011`), or null.
 * Only a trailing five-digit code (optionally ZIP+4) counts: house numbers earlier in the line do not.
 */
export function zipOfAddress(address: string | null | undefined): string | null {
  const m = /(?:^|[\s,])(\d{5})(?:-\d{4})?\s*$/.exec(address ?? '');
  return m?.[1] ?? null;
}

/** A facility of its own for a service address: id and name from the address, zip from its end. */
export function facilityOfAddress(address: string): FacilityDraft {
  return { id: slug(address), name: address.trim(), zip: zipOfAddress(address), address: address.trim() };
}

/** The part of a meter id after its facility (`site:svc-9` -> `svc-9`), which is the source's uid. */
function uidOf(meterId: string): string {
  const i = meterId.indexOf(':');
  return i < 0 ? meterId : meterId.slice(i + 1);
}

/** An organisation's meters indexed by the keys a source can match them on. */
export class OrgMeters {
  private readonly bySid = new Map<string, Meter | null>();
  private readonly byNumber = new Map<string, Meter | null>();
  private readonly byUid = new Map<string, Meter | null>();

  /** Reads every meter of `orgId` (one query for facilities, one for meters). */
  static async load(
    store: StorePort<'catalog', 'listFacilities' | 'listMeters'>,
    orgId: string,
  ): Promise<OrgMeters> {
    const facilities = new Set((await store.catalog.listFacilities({ orgId })).map((f) => f.id));
    const index = new OrgMeters();
    for (const m of await store.catalog.listMeters()) if (facilities.has(m.facilityId)) index.add(m);
    return index;
  }

  /** Adds a meter; a key two meters share matches neither (null marks it ambiguous). */
  add(m: Meter): void {
    const put = (map: Map<string, Meter | null>, key: string | null): void => {
      if (!key) return;
      const had = map.get(key);
      map.set(key, had === undefined || had?.id === m.id ? m : null);
    };
    put(this.bySid, m.serviceId);
    put(this.byNumber, m.utilityMeterNumber);
    put(this.byUid, slug(uidOf(m.id)));
  }

  /** The one meter matching the keys (service id first, then meter number, then uid), or undefined. */
  find(keys: MeterKeys): Meter | undefined {
    return (
      (keys.serviceId ? this.bySid.get(keys.serviceId) : undefined) ??
      (keys.meterNumber ? this.byNumber.get(keys.meterNumber) : undefined) ??
      (keys.uid ? this.byUid.get(slug(keys.uid)) : undefined) ??
      undefined
    );
  }
}
