/** Row mapping of the catalog tables, shared by the store adapters (column names are the same in both). */
import type {
  Channel,
  Facility,
  FacilityKind,
  Measurement,
  Meter,
  Organisation,
  ServiceType,
  Unit,
} from '../domain/types.ts';

type Row = Record<string, unknown>;

const str = (v: unknown): string => String(v);
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** An organisations row. */
export function toOrganisation(r: Row): Organisation {
  return { id: str(r['id']), name: str(r['name']), createdAt: Number(r['created_at']) };
}

/** A facilities row. */
export function toFacility(r: Row): Facility {
  return {
    id: str(r['id']),
    orgId: str(r['org_id']),
    name: str(r['name']),
    kind: str(r['kind']) as FacilityKind,
    address: strOrNull(r['address']),
    zip: strOrNull(r['zip']),
    timeZone: str(r['time_zone']),
    tags: Array.isArray(r['tags']) ? (r['tags'] as unknown[]).map(str) : [],
    createdAt: Number(r['created_at']),
  };
}

/** A meters row. */
export function toMeter(r: Row): Meter {
  return {
    id: str(r['id']),
    facilityId: str(r['facility_id']),
    serviceType: str(r['service_type']) as ServiceType,
    utilityMeterNumber: strOrNull(r['utility_meter_number']),
    serviceId: strOrNull(r['service_id']),
    tariff: strOrNull(r['tariff']),
    utility: strOrNull(r['utility']),
  };
}

/** A channels row. */
export function toChannel(r: Row): Channel {
  return {
    id: str(r['id']),
    meterId: str(r['meter_id']),
    name: str(r['name']),
    isMains: Boolean(r['is_mains']),
    appliance: strOrNull(r['appliance']),
    measurement: str(r['measurement']) as Measurement,
    unit: str(r['unit']) as Unit,
    intervalMs: numOrNull(r['interval_ms']),
    maxGapMs: numOrNull(r['max_gap_ms']),
    rolloverAt: numOrNull(r['rollover_at']),
  };
}
