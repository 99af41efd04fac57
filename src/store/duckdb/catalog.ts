import type { DuckDBValue } from '@duckdb/node-api';
import { createCatalogReads } from '../catalog-rows.ts';
import type { CatalogRepo } from '../ports/catalog.ts';
import type { DuckdbContext } from './connection.ts';
import { queryRows } from './connection.ts';

/** DDL for organisations, facilities, meters and channels (see docs/store.md for the contract). */
export const catalogSchema: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS organisations (id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, created_at BIGINT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS facilities (id VARCHAR PRIMARY KEY, org_id VARCHAR NOT NULL, name VARCHAR NOT NULL,
     kind VARCHAR NOT NULL, address VARCHAR, zip VARCHAR, time_zone VARCHAR NOT NULL, tags VARCHAR[], created_at BIGINT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS meters (id VARCHAR PRIMARY KEY, facility_id VARCHAR NOT NULL, service_type VARCHAR NOT NULL,
     utility_meter_number VARCHAR, service_id VARCHAR, tariff VARCHAR, utility VARCHAR)`,
  `CREATE SEQUENCE IF NOT EXISTS channel_key_seq START 1`,
  `CREATE TABLE IF NOT EXISTS channels (id VARCHAR PRIMARY KEY, key INTEGER NOT NULL UNIQUE DEFAULT nextval('channel_key_seq'),
     meter_id VARCHAR NOT NULL, name VARCHAR NOT NULL, is_mains BOOLEAN NOT NULL, appliance VARCHAR, measurement VARCHAR NOT NULL,
     unit VARCHAR NOT NULL, interval_ms BIGINT, max_gap_ms BIGINT, rollover_at DOUBLE)`,
];

const ROWS_PER_STATEMENT = 500;

/** The duckdb implementation of {@link CatalogRepo}. */
export function createCatalogRepo(ctx: DuckdbContext): CatalogRepo {
  const rows = (sql: string, values: DuckDBValue[] = []) => queryRows(ctx.reads, sql, values);
  /** One multi-row upsert per slice; the last of several rows with the same id wins. */
  const upsert = async <T extends { id: string }>(
    items: T[],
    table: string,
    cols: string[],
    values: (t: T) => DuckDBValue[],
    casts: string[] = [],
  ) => {
    const unique = [...new Map(items.map((t) => [t.id, t])).values()];
    const updates = cols.filter((c) => c !== 'id').map((c) => `${c} = excluded.${c}`);
    for (let i = 0; i < unique.length; i += ROWS_PER_STATEMENT) {
      const slice = unique.slice(i, i + ROWS_PER_STATEMENT);
      const params: DuckDBValue[] = [];
      const tuples = slice.map((t) => {
        const v = values(t);
        const start = params.length;
        params.push(...v);
        return `(${v.map((_, j) => `$${start + j + 1}${casts[j] ?? ''}`).join(', ')})`;
      });
      await ctx.conn.run(
        `INSERT INTO ${table} (${cols.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT (id) DO UPDATE SET ${updates.join(', ')}`,
        params,
      );
    }
  };
  return {
    upsertOrganisations: (orgs) =>
      upsert(orgs, 'organisations', ['id', 'name', 'created_at'], (o) => [o.id, o.name, BigInt(o.createdAt)]),
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
          JSON.stringify(f.tags),
          BigInt(f.createdAt),
        ],
        ['', '', '', '', '::VARCHAR', '::VARCHAR', '', '::JSON::VARCHAR[]'],
      ),
    upsertMeters: (meters) =>
      upsert(
        meters,
        'meters',
        ['id', 'facility_id', 'service_type', 'utility_meter_number', 'service_id', 'tariff', 'utility'],
        (m) => [m.id, m.facilityId, m.serviceType, m.utilityMeterNumber, m.serviceId, m.tariff, m.utility],
        ['', '', '', '::VARCHAR', '::VARCHAR', '::VARCHAR', '::VARCHAR'],
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
          c.intervalMs === null ? null : BigInt(Math.round(c.intervalMs)),
          c.maxGapMs === null ? null : BigInt(Math.round(c.maxGapMs)),
          c.rolloverAt,
        ],
        ['', '', '', '', '::VARCHAR', '', '', '::BIGINT', '::BIGINT', '::DOUBLE'],
      ),
    ...createCatalogReads(rows),
  };
}
