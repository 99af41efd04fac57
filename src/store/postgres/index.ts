import pg from 'pg';
import { announcingDeviceRepo } from '../device-rows.ts';
import { announcingAccountRepo } from '../revocations.ts';
import { accountsDdl, createAccountRepo } from '../sql/accounts.ts';
import { alertsDdl, createAlertRepo } from '../sql/alerts.ts';
import { catalogDdl, createCatalogRepo } from '../sql/catalog.ts';
import { createLiveRepo, liveDdl } from '../sql/live.ts';
import { createJobRepo, jobsDdl } from '../sql/jobs.ts';
import { createNilmRepo, nilmDdl } from '../sql/nilm.ts';
import { createScoreRepo, scoresDdl } from '../sql/scores.ts';
import type { Store } from '../store.ts';
import { createDeviceRepo, devicesSchema } from './devices.ts';
import type { PgContext } from './connection.ts';
import { createImportRepo, importsSchema } from './imports.ts';
import { createNotificationRepo, notificationsSchema } from './notifications.ts';
import { createReadingRepo, readingsSchema } from './readings.ts';
import { createRetentionRepo, retentionSchema } from './retention.ts';
import { createRevocationRepo } from './revocations.ts';
import { createRollupRepo, rollupsSchema } from './rollups.ts';
import { createTariffRepo, tariffsSchema } from './tariffs.ts';
import { postgresSqlDialect } from './dialect.ts';
import { createPgSqlDb } from './sql-db.ts';

/** Options of the PostgreSQL store. */
export interface PostgresStoreOptions {
  /** Connection string, e.g. `postgres://postgres@127.0.0.1:5432/loadscope`. */
  url: string;
  /** Schema (namespace) for the tables; default `loadscope`. Tests use one per run. */
  schema?: string;
  /** Pool size; default 8. */
  poolSize?: number;
}

const SCHEMAS = [
  catalogDdl(postgresSqlDialect),
  readingsSchema,
  rollupsSchema,
  liveDdl(postgresSqlDialect),
  alertsDdl(postgresSqlDialect),
  accountsDdl(postgresSqlDialect),
  nilmDdl(postgresSqlDialect),
  scoresDdl(postgresSqlDialect),
  jobsDdl(postgresSqlDialect),
  importsSchema,
  notificationsSchema,
  tariffsSchema,
  devicesSchema,
  retentionSchema,
];

/** Connects to PostgreSQL as a {@link Store}; every connection uses the configured schema. */
export async function createPostgresStore(opts: PostgresStoreOptions): Promise<Store> {
  const schema = opts.schema ?? 'loadscope';
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid PostgreSQL schema name '${schema}'`);
  // search_path is set as a start-up option so that it holds before the first query on every connection.
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolSize ?? 8,
    options: `-c search_path=${schema},public`,
  });
  const ctx: PgContext = { pool, schema };
  const sql = createPgSqlDb(ctx);
  const revocations = createRevocationRepo(ctx, opts.url);
  let closed = false;
  return {
    kind: 'postgres',
    catalog: createCatalogRepo(sql),
    readings: createReadingRepo(ctx),
    rollups: createRollupRepo(ctx),
    live: createLiveRepo(sql),
    alerts: createAlertRepo(sql),
    accounts: announcingAccountRepo(createAccountRepo(sql), revocations.announce),
    revocations,
    nilm: createNilmRepo(sql),
    scores: createScoreRepo(sql),
    jobs: createJobRepo(sql),
    imports: createImportRepo(ctx),
    notifications: createNotificationRepo(ctx),
    tariffs: createTariffRepo(ctx),
    retention: createRetentionRepo(ctx),
    devices: announcingDeviceRepo(createDeviceRepo(ctx), revocations.announce),
    async migrate() {
      const client = await pool.connect();
      try {
        // An advisory lock makes concurrent migrations from several processes safe.
        await client.query('SELECT pg_advisory_lock(42424242)');
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
        await client.query(`SET search_path TO ${schema}, public`);
        for (const s of SCHEMAS) for (const ddl of s) await client.query(ddl);
      } finally {
        await client.query('SELECT pg_advisory_unlock(42424242)').catch(() => undefined);
        client.release();
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await revocations.close();
      await pool.end();
    },
  };
}
