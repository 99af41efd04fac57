import { createCatalogReads } from '../catalog-rows.ts';
import type { CatalogRepo } from '../ports/catalog.ts';
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
    ...createCatalogReads(rows, ' COLLATE "C"'),
  };
}
