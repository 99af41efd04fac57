/** The catalog repository (organisations, facilities, meters, channels), written once for every adapter. */
import {
  type Channel,
  FACILITY_KINDS,
  type Facility,
  MEASUREMENTS,
  type Meter,
  type Organisation,
  SERVICE_TYPES,
  UNITS,
} from '../../domain/types.ts';
import type { CatalogRepo, FacilityFilter } from '../ports/catalog.ts';
import type { SqlDialect } from './dialect.ts';
import { bool, num, numOrNull, oneOf, type Row, str, strOrNull } from './row.ts';
import type { SqlDb } from './sql-db.ts';

/** DDL for organisations, facilities, meters and channels (see docs/store.md for the contract). */
export function catalogDdl(d: SqlDialect): string[] {
  const t = d.text;
  const pg = d.name === 'postgres';
  return [
    `CREATE TABLE IF NOT EXISTS organisations (id ${t} PRIMARY KEY, name ${t} NOT NULL, created_at BIGINT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS facilities (id ${t} PRIMARY KEY, org_id ${t} NOT NULL, name ${t} NOT NULL,
     kind ${t} NOT NULL, address ${t}, zip ${t}, time_zone ${t} NOT NULL, tags ${t}[], created_at BIGINT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS meters (id ${t} PRIMARY KEY, facility_id ${t} NOT NULL, service_type ${t} NOT NULL,
     utility_meter_number ${t}, service_id ${t}, tariff ${t}, utility ${t})`,
    // PostgreSQL's sequence is INTEGER like the column; DuckDB's is BIGINT and casts on insert.
    `CREATE SEQUENCE IF NOT EXISTS channel_key_seq ${pg ? 'AS INTEGER ' : ''}START 1`,
    `CREATE TABLE IF NOT EXISTS channels (id ${t} PRIMARY KEY, key INTEGER NOT NULL UNIQUE DEFAULT nextval('channel_key_seq'),
     meter_id ${t} NOT NULL, name ${t} NOT NULL, is_mains BOOLEAN NOT NULL, appliance ${t}, measurement ${t} NOT NULL,
     unit ${t} NOT NULL, interval_ms BIGINT, max_gap_ms BIGINT, rollover_at ${d.double})`,
    // DuckDB scans its columns faster than it would keep these indexes up to date.
    ...(pg
      ? [
          `CREATE INDEX IF NOT EXISTS facilities_org ON facilities (org_id)`,
          `CREATE INDEX IF NOT EXISTS meters_facility ON meters (facility_id)`,
          `CREATE INDEX IF NOT EXISTS channels_meter ON channels (meter_id)`,
        ]
      : []),
  ];
}

/** An organisations row. */
function toOrganisation(r: Row): Organisation {
  return { id: str(r, 'id'), name: str(r, 'name'), createdAt: num(r, 'created_at') };
}

/** A facilities row. */
function toFacility(r: Row): Facility {
  const tags = r['tags'];
  return {
    id: str(r, 'id'),
    orgId: str(r, 'org_id'),
    name: str(r, 'name'),
    kind: oneOf(r, 'kind', FACILITY_KINDS),
    address: strOrNull(r, 'address'),
    zip: strOrNull(r, 'zip'),
    timeZone: str(r, 'time_zone'),
    tags: Array.isArray(tags) ? tags.map((t) => String(t)) : [],
    createdAt: num(r, 'created_at'),
  };
}

/** A meters row. */
function toMeter(r: Row): Meter {
  return {
    id: str(r, 'id'),
    facilityId: str(r, 'facility_id'),
    serviceType: oneOf(r, 'service_type', SERVICE_TYPES),
    utilityMeterNumber: strOrNull(r, 'utility_meter_number'),
    serviceId: strOrNull(r, 'service_id'),
    tariff: strOrNull(r, 'tariff'),
    utility: strOrNull(r, 'utility'),
  };
}

/** A channels row. */
function toChannel(r: Row): Channel {
  return {
    id: str(r, 'id'),
    meterId: str(r, 'meter_id'),
    name: str(r, 'name'),
    isMains: bool(r, 'is_mains'),
    appliance: strOrNull(r, 'appliance'),
    measurement: oneOf(r, 'measurement', MEASUREMENTS),
    unit: oneOf(r, 'unit', UNITS),
    intervalMs: numOrNull(r, 'interval_ms'),
    maxGapMs: numOrNull(r, 'max_gap_ms'),
    rolloverAt: numOrNull(r, 'rollover_at'),
  };
}

/** Ids per query of the set-based reads: well under both engines' parameter limits. */
const IDS_PER_QUERY = 500;

/** The read methods of {@link CatalogRepo}; ids order byte-wise on both engines. */
function createCatalogReads(
  db: SqlDb,
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
  const query = (sql: string, params?: string[]) => db.query(sql, params);
  const collate = db.dialect.byteOrder;
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

const ROWS_PER_STATEMENT = 500;

/** The {@link CatalogRepo} over a database. */
export function createCatalogRepo(db: SqlDb): CatalogRepo {
  const d = db.dialect;
  /**
   * One multi-row upsert per slice; the last of several rows with the same id wins. `casts` type the
   * parameters DuckDB cannot infer from a NULL in a VALUES list.
   */
  const upsert = async <T extends { id: string }>(
    items: T[],
    table: string,
    cols: string[],
    values: (t: T) => unknown[],
    casts: string[] = [],
  ) => {
    const unique = [...new Map(items.map((t) => [t.id, t])).values()];
    const updates = cols.filter((c) => c !== 'id').map((c) => `${c} = excluded.${c}`);
    for (let i = 0; i < unique.length; i += ROWS_PER_STATEMENT) {
      const params: unknown[] = [];
      const tuples = unique.slice(i, i + ROWS_PER_STATEMENT).map((t) => {
        const v = values(t);
        const start = params.length;
        params.push(...v);
        return `(${v.map((_, j) => `$${start + j + 1}${casts[j] ?? ''}`).join(', ')})`;
      });
      await db.query(
        `INSERT INTO ${table} (${cols.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT (id) DO UPDATE SET ${updates.join(', ')}`,
        params,
      );
    }
  };
  const text = `::${d.text}`;
  return {
    upsertOrganisations: (orgs) =>
      upsert(orgs, 'organisations', ['id', 'name', 'created_at'], (o) => [o.id, o.name, o.createdAt]),
    upsertFacilities: (facilities) =>
      upsert(
        facilities,
        'facilities',
        ['id', 'org_id', 'name', 'kind', 'address', 'zip', 'time_zone', 'tags', 'created_at'],
        (f) => [
          f.id,
          f.orgId,
          f.name,
          f.kind,
          f.address,
          f.zip,
          f.timeZone,
          d.textArray(f.tags),
          f.createdAt,
        ],
        ['', '', '', '', text, text, '', d.textArrayCast],
      ),
    upsertMeters: (meters) =>
      upsert(
        meters,
        'meters',
        ['id', 'facility_id', 'service_type', 'utility_meter_number', 'service_id', 'tariff', 'utility'],
        (m) => [m.id, m.facilityId, m.serviceType, m.utilityMeterNumber, m.serviceId, m.tariff, m.utility],
        ['', '', '', text, text, text, text],
      ),
    upsertChannels: (channels) =>
      upsert(
        channels,
        'channels',
        ['id', 'meter_id', 'name', 'is_mains', 'appliance', 'measurement', 'unit'].concat([
          'interval_ms',
          'max_gap_ms',
          'rollover_at',
        ]),
        (c) => [
          ...[c.id, c.meterId, c.name, c.isMains, c.appliance, c.measurement, c.unit],
          c.intervalMs === null ? null : Math.round(c.intervalMs),
          c.maxGapMs === null ? null : Math.round(c.maxGapMs),
          c.rolloverAt,
        ],
        ['', '', '', '', text, '', '', '::BIGINT', '::BIGINT', `::${d.double}`],
      ),
    ...createCatalogReads(db),
  };
}
