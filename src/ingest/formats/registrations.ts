/**
 * Service registrations (seed 002): one service per line with `ServiceId, ServiceZipcode, Name, Type,
 * ServiceMeterId` (any case, with or without underscores), optionally `meter_id`, `facility_id`,
 * `address` and `kind` as the simulator's `registrations.csv` writes them. No readings: the import
 * creates or updates facilities (name, zip, address, kind) and their meters (service type, service id,
 * utility meter number), so that interval data imported before or after lands in the right facility
 * with its zip code. A service already known (same service id, meter number or meter id) keeps its
 * facility, which the registration updates.
 */
import { FACILITY_KINDS, type FacilityKind, SERVICE_TYPES, type ServiceType } from '../../domain/types.ts';
import { InputError } from '../../errors.ts';
import { type FacilityDraft, facilityOfAddress, type MeterKeys, slug } from '../catalog-routing.ts';
import { FieldSplitter, fieldText, splitText } from '../csv/fields.ts';
import { driveLines } from '../drive.ts';
import type { Format, FormatContext } from '../format.ts';
import type { MeterInfo } from '../catalog.ts';
import { LineSplitter } from '../lines.ts';

/** Header names by their normalised form (lower case, letters and digits only). */
const COLUMNS = {
  serviceid: 'service_id',
  servicezipcode: 'service_zipcode',
  zip: 'service_zipcode',
  zipcode: 'service_zipcode',
  name: 'name',
  type: 'type',
  servicetype: 'type',
  servicemeterid: 'service_meter_id',
  meterid: 'meter_id',
  facilityid: 'facility_id',
  address: 'address',
  serviceaddress: 'address',
  kind: 'kind',
} as const;
type Column = (typeof COLUMNS)[keyof typeof COLUMNS];

/** True when a CSV header is a registrations file (service id, type and zip code columns). */
export function isRegistrationsHeader(header: string[]): boolean {
  const cols = new Set(header.map((h) => COLUMNS[norm(h) as keyof typeof COLUMNS]));
  return cols.has('service_id') && cols.has('type') && cols.has('service_zipcode');
}

function norm(h: string): string {
  return h.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The facility a registration line belongs to: its facility id, else its address, else name and zip. */
function facilityOf(get: (c: Column) => string, kind: FacilityKind | undefined): FacilityDraft {
  const name = get('name');
  const zip = get('service_zipcode') || null;
  const address = get('address');
  const id = get('facility_id');
  const base: FacilityDraft = id
    ? { id: slug(id), name: name || id }
    : address
      ? { ...facilityOfAddress(address), ...(name ? { name } : {}) }
      : name
        ? { id: slug(`${name} ${zip ?? ''}`), name }
        : { id: slug(`service ${get('service_id')}`), name: `Service ${get('service_id')}` };
  return { ...base, zip, address: address || null, authoritative: true, ...(kind ? { kind } : {}) };
}

/** The registrations format. */
export const registrations: Format = {
  async run(ctx, source) {
    await ctx.catalog.loadOrgMeters();
    const f = new FieldSplitter(44);
    const lines = new LineSplitter();
    let header: string[] | null = null;
    const col = new Map<Column, number>();
    const services: Service[] = [];
    await driveLines(
      ctx,
      source!,
      (buf, s, e, line) => {
        if (e === s) return;
        if (!header) {
          header = splitText(buf, s, e);
          header.forEach((h, i) => {
            const c = COLUMNS[norm(h) as keyof typeof COLUMNS];
            if (c && !col.has(c)) col.set(c, i);
          });
          for (const r of ['service_id', 'type'] as const)
            if (!col.has(r))
              throw new InputError(
                `not a registrations file: no '${r}' column (expected ServiceId, ServiceZipcode, Name, Type, ServiceMeterId)`,
                { file: ctx.file, line, field: r },
              );
          return;
        }
        if (ctx.full()) return;
        ctx.rows++;
        const raw = buf.toString('utf8', s, e);
        const n = f.split(buf, s, e);
        if (n !== header.length)
          return ctx.rejects.columnCount(line, n, header.length, lines.unterminated, raw);
        const get = (c: Column): string => {
          const i = col.get(c);
          return i === undefined ? '' : fieldText(buf, f, i).trim();
        };
        const serviceId = get('service_id');
        if (!serviceId)
          return ctx.rejects.reject(line, 'service_id', 'missing-value', 'the service id is empty', raw);
        const type = get('type').toLowerCase();
        if (!(SERVICE_TYPES as readonly string[]).includes(type))
          return ctx.rejects.reject(
            line,
            'type',
            'bad-service-type',
            `service type '${get('type')}' is not one of ${SERVICE_TYPES.join(', ')}`,
            raw,
          );
        const kindText = get('kind').toLowerCase();
        if (kindText && !(FACILITY_KINDS as readonly string[]).includes(kindText))
          return ctx.rejects.reject(
            line,
            'kind',
            'bad-facility-kind',
            `facility kind '${get('kind')}' is not one of ${FACILITY_KINDS.join(', ')}`,
            raw,
          );
        const meterNumber = get('service_meter_id') || null;
        services.push({
          uid: get('meter_id') || serviceId,
          info: { serviceType: type as ServiceType, serviceId, utilityMeterNumber: meterNumber },
          keys: { serviceId, meterNumber, uid: get('meter_id') || serviceId },
          facility: facilityOf(get, (kindText || undefined) as FacilityKind | undefined),
        });
      },
      lines,
    );
    if (!header) throw new InputError('the file is empty (no header line)', { file: ctx.file, line: 1 });
    placeServices(ctx, services);
  },
};

/** One registration line, read. */
interface Service {
  uid: string;
  info: MeterInfo;
  keys: MeterKeys;
  facility: FacilityDraft;
}

/**
 * Places the services facility by facility: when the organisation already has one service of a
 * facility (imported from interval data before), the others join it there, and the registration
 * updates that facility instead of creating a second one.
 */
function placeServices(ctx: FormatContext, services: Service[]): void {
  const groups = new Map<string, Service[]>();
  for (const s of services) groups.set(s.facility.id, [...(groups.get(s.facility.id) ?? []), s]);
  for (const group of groups.values()) {
    const known = group.map((s) => ctx.catalog.knownMeter(s.keys)).find((m) => m !== undefined);
    for (const s of group) {
      const facility = known ? { ...s.facility, id: known.facilityId } : s.facility;
      ctx.catalog.placeMeter(s.uid, s.info, { keys: s.keys, facility });
    }
  }
}
