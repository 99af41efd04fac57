/**
 * The catalog's read side, shared by the store adapters: the same SQL (positional `$n` parameters) and row
 * mapping run on DuckDB and PostgreSQL; only the collation that orders ids byte-wise differs.
 */
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
import type { CatalogRepo, FacilityFilter } from './ports/catalog.ts';

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

/** Ids per query of the set-based reads: well under both engines' parameter limits. */
const IDS_PER_QUERY = 500;

/** Runs a query with positional parameters and returns its rows. */
export type CatalogQuery = (sql: string, params?: string[]) => Promise<Row[]>;

/**
 * The read methods of {@link CatalogRepo} over `query`. `collate` follows `ORDER BY id` so that both engines
 * order ids byte-wise (PostgreSQL: ` COLLATE "C"`; DuckDB's default already is).
 */
export function createCatalogReads(
  query: CatalogQuery,
  collate = '',
): Pick<
  CatalogRepo,
  | 'getOrganisation'
  | 'getFacility'
  | 'getMeter'
  | 'getChannel'
  | 'getFacilities'
  | 'getMeters'
  | 'getChannels'
  | 'listOrganisations'
  | 'listFacilities'
  | 'listMeters'
  | 'listChannels'
> {
  const one = async <T>(table: string, id: string, map: (r: Row) => T): Promise<T | undefined> => {
    const [r] = await query(`SELECT * FROM ${table} WHERE id = $1`, [id]);
    return r ? map(r) : undefined;
  };
  /** Rows of `table` whose id is among `ids`: one `IN` list of bound parameters per slice. */
  const many = async <T>(table: string, ids: readonly string[], map: (r: Row) => T): Promise<T[]> => {
    const unique = [...new Set(ids)];
    const out: T[] = [];
    for (let i = 0; i < unique.length; i += IDS_PER_QUERY) {
      const slice = unique.slice(i, i + IDS_PER_QUERY);
      const list = slice.map((_, j) => `$${j + 1}`).join(', ');
      for (const r of await query(`SELECT * FROM ${table} WHERE id IN (${list})`, slice)) out.push(map(r));
    }
    return out;
  };
  /** `SELECT` with the conditions whose value is given, each `?` bound to that value. */
  const filtered = async (
    select: string,
    conds: [string, string | undefined][],
    orderBy: string,
  ): Promise<Row[]> => {
    const where: string[] = [];
    const params: string[] = [];
    for (const [sql, v] of conds) {
      if (v === undefined) continue;
      params.push(v);
      where.push(sql.replaceAll('?', `$${params.length}`));
    }
    return query(
      `${select} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${orderBy}${collate}`,
      params,
    );
  };
  return {
    getOrganisation: (id) => one('organisations', id, toOrganisation),
    getFacility: (id) => one('facilities', id, toFacility),
    getMeter: (id) => one('meters', id, toMeter),
    getChannel: (id) => one('channels', id, toChannel),
    getFacilities: (ids) => many('facilities', ids, toFacility),
    getMeters: (ids) => many('meters', ids, toMeter),
    getChannels: (ids) => many('channels', ids, toChannel),
    async listOrganisations() {
      return (await query(`SELECT * FROM organisations ORDER BY id${collate}`)).map(toOrganisation);
    },
    async listFacilities(filter: FacilityFilter = {}) {
      // strpos, not LIKE: a search for "%" or "_" means those characters, not wildcards.
      const search = filter.search ? filter.search.toLowerCase() : undefined;
      const rows = await filtered(
        'SELECT * FROM facilities',
        [
          ['org_id = ?', filter.orgId],
          ['kind = ?', filter.kind],
          ['zip = ?', filter.zip],
          [
            "(strpos(lower(name), ?) > 0 OR strpos(lower(coalesce(address, '')), ?) > 0 OR strpos(lower(id), ?) > 0)",
            search,
          ],
        ],
        'id',
      );
      return rows.map(toFacility);
    },
    async listMeters(filter = {}) {
      return (await filtered('SELECT * FROM meters', [['facility_id = ?', filter.facilityId]], 'id')).map(
        toMeter,
      );
    },
    async listChannels(filter = {}) {
      const rows = await filtered(
        'SELECT c.* FROM channels c LEFT JOIN meters m ON m.id = c.meter_id',
        [
          ['c.meter_id = ?', filter.meterId],
          ['m.facility_id = ?', filter.facilityId],
        ],
        'c.id',
      );
      return rows.map(toChannel);
    },
  };
}
