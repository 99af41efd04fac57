import { toChannel, toFacility, toMeter, toOrganisation } from '../catalog-rows.ts';
import type { CatalogRepo, FacilityFilter } from '../ports/catalog.ts';
import type { PgContext } from './connection.ts';
import { queryRows } from './connection.ts';

/** DDL for organisations, facilities, meters and channels (see docs/store.md for the contract). */
export const catalogSchema: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS organisations (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at BIGINT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS facilities (id TEXT PRIMARY KEY, org_id TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL,
     address TEXT, zip TEXT, time_zone TEXT NOT NULL, tags TEXT[], created_at BIGINT NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS facilities_org ON facilities (org_id)`,
  `CREATE TABLE IF NOT EXISTS meters (id TEXT PRIMARY KEY, facility_id TEXT NOT NULL, service_type TEXT NOT NULL,
     utility_meter_number TEXT, service_id TEXT, tariff TEXT, utility TEXT)`,
  `CREATE INDEX IF NOT EXISTS meters_facility ON meters (facility_id)`,
  `CREATE SEQUENCE IF NOT EXISTS channel_key_seq AS INTEGER START 1`,
  `CREATE TABLE IF NOT EXISTS channels (id TEXT PRIMARY KEY, key INTEGER NOT NULL UNIQUE DEFAULT nextval('channel_key_seq'),
     meter_id TEXT NOT NULL, name TEXT NOT NULL, is_mains BOOLEAN NOT NULL, appliance TEXT, measurement TEXT NOT NULL,
     unit TEXT NOT NULL, interval_ms BIGINT, max_gap_ms BIGINT, rollover_at DOUBLE PRECISION)`,
  `CREATE INDEX IF NOT EXISTS channels_meter ON channels (meter_id)`,
];

const ROWS_PER_STATEMENT = 500;

/** The postgres implementation of {@link CatalogRepo}. */
export function createCatalogRepo(ctx: PgContext): CatalogRepo {
  const rows = (sql: string, values: unknown[] = []) => queryRows(ctx.pool, sql, values);
  /** One multi-row upsert per slice; the last of several rows with the same id wins. */
  const upsert = async <T extends { id: string }>(
    items: T[],
    table: string,
    cols: string[],
    values: (t: T) => unknown[],
  ) => {
    const unique = [...new Map(items.map((t) => [t.id, t])).values()];
    const updates = cols.filter((c) => c !== 'id').map((c) => `${c} = excluded.${c}`);
    for (let i = 0; i < unique.length; i += ROWS_PER_STATEMENT) {
      const params: unknown[] = [];
      const tuples = unique.slice(i, i + ROWS_PER_STATEMENT).map((t) => {
        const v = values(t);
        const start = params.length;
        params.push(...v);
        return `(${v.map((_, j) => `$${start + j + 1}`).join(', ')})`;
      });
      await ctx.pool.query(
        `INSERT INTO ${table} (${cols.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT (id) DO UPDATE SET ${updates.join(', ')}`,
        params,
      );
    }
  };
  return {
    upsertOrganisations: (orgs) =>
      upsert(orgs, 'organisations', ['id', 'name', 'created_at'], (o) => [o.id, o.name, o.createdAt]),
    upsertFacilities: (facilities) =>
      upsert(
        facilities,
        'facilities',
        ['id', 'org_id', 'name', 'kind', 'address', 'zip', 'time_zone', 'tags', 'created_at'],
        (f) => [f.id, f.orgId, f.name, f.kind, f.address, f.zip, f.timeZone, f.tags, f.createdAt],
      ),
    upsertMeters: (meters) =>
      upsert(
        meters,
        'meters',
        ['id', 'facility_id', 'service_type', 'utility_meter_number', 'service_id', 'tariff', 'utility'],
        (m) => [m.id, m.facilityId, m.serviceType, m.utilityMeterNumber, m.serviceId, m.tariff, m.utility],
      ),
    upsertChannels: (channels) =>
      upsert(
        channels,
        'channels',
        [
          'id',
          'meter_id',
          'name',
          'is_mains',
          'appliance',
          'measurement',
          'unit',
          'interval_ms',
          'max_gap_ms',
          'rollover_at',
        ],
        (c) => [
          c.id,
          c.meterId,
          c.name,
          c.isMains,
          c.appliance,
          c.measurement,
          c.unit,
          c.intervalMs === null ? null : Math.round(c.intervalMs),
          c.maxGapMs === null ? null : Math.round(c.maxGapMs),
          c.rolloverAt,
        ],
      ),
    async getOrganisation(id) {
      const [r] = await rows('SELECT * FROM organisations WHERE id = $1', [id]);
      return r ? toOrganisation(r) : undefined;
    },
    async getFacility(id) {
      const [r] = await rows('SELECT * FROM facilities WHERE id = $1', [id]);
      return r ? toFacility(r) : undefined;
    },
    async getMeter(id) {
      const [r] = await rows('SELECT * FROM meters WHERE id = $1', [id]);
      return r ? toMeter(r) : undefined;
    },
    async getChannel(id) {
      const [r] = await rows('SELECT * FROM channels WHERE id = $1', [id]);
      return r ? toChannel(r) : undefined;
    },
    async listOrganisations() {
      return (await rows('SELECT * FROM organisations ORDER BY id')).map(toOrganisation);
    },
    async listFacilities(filter: FacilityFilter = {}) {
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (sql: string, v: unknown) => {
        params.push(v);
        where.push(sql.replaceAll('?', `$${params.length}`));
      };
      if (filter.orgId !== undefined) add('org_id = ?', filter.orgId);
      if (filter.kind !== undefined) add('kind = ?', filter.kind);
      if (filter.zip !== undefined) add('zip = ?', filter.zip);
      if (filter.search !== undefined && filter.search !== '') {
        add(
          `(strpos(lower(name), ?) > 0 OR strpos(lower(coalesce(address, '')), ?) > 0 OR strpos(lower(id), ?) > 0)`,
          filter.search.toLowerCase(),
        );
      }
      const sql = `SELECT * FROM facilities ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id COLLATE "C"`;
      return (await rows(sql, params)).map(toFacility);
    },
    async listMeters(filter = {}) {
      const r =
        filter.facilityId === undefined
          ? await rows('SELECT * FROM meters ORDER BY id COLLATE "C"')
          : await rows('SELECT * FROM meters WHERE facility_id = $1 ORDER BY id COLLATE "C"', [
              filter.facilityId,
            ]);
      return r.map(toMeter);
    },
    async listChannels(filter = {}) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.meterId !== undefined) {
        params.push(filter.meterId);
        where.push(`c.meter_id = $${params.length}`);
      }
      if (filter.facilityId !== undefined) {
        params.push(filter.facilityId);
        where.push(`m.facility_id = $${params.length}`);
      }
      const sql = `SELECT c.* FROM channels c LEFT JOIN meters m ON m.id = c.meter_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.id COLLATE "C"`;
      return (await rows(sql, params)).map(toChannel);
    },
  };
}
