import { DuckDBInstance } from '@duckdb/node-api';
import { StoreError } from '../../errors.ts';
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
import { openDuckdbContext } from './connection.ts';
import { createImportRepo, importsSchema } from './imports.ts';
import { createNotificationRepo, notificationsSchema } from './notifications.ts';
import { createReadingRepo, readingsSchema } from './readings.ts';
import { createRetentionRepo, retentionSchema } from './retention.ts';
import { createRevocationRepo } from './revocations.ts';
import { createRollupRepo, rollupsSchema } from './rollups.ts';
import { createTariffRepo, tariffsSchema } from './tariffs.ts';
import { duckdbSqlDialect } from './dialect.ts';
import { createDuckdbSqlDb } from './sql-db.ts';

export { DEFAULT_READ_CONNECTIONS } from './read-pool.ts';

/** Options of the embedded DuckDB store. */
export interface DuckdbStoreOptions {
  /** Database file, or `:memory:`. */
  path: string;
  /** DuckDB worker threads; defaults to DuckDB's own choice (all cores). */
  threads?: number;
  /**
   * Connections for read-only queries, used side by side (writes keep one connection of their own);
   * default {@link DEFAULT_READ_CONNECTIONS}. 1 sends every read through one connection, one at a time.
   */
  readConnections?: number;
}

const SCHEMAS = [
  catalogDdl(duckdbSqlDialect),
  readingsSchema,
  rollupsSchema,
  liveDdl(duckdbSqlDialect),
  alertsDdl(duckdbSqlDialect),
  accountsDdl(duckdbSqlDialect),
  nilmDdl(duckdbSqlDialect),
  scoresDdl(duckdbSqlDialect),
  jobsDdl(duckdbSqlDialect),
  importsSchema,
  notificationsSchema,
  tariffsSchema,
  devicesSchema,
  retentionSchema,
];

/** Opens (creating if needed) a DuckDB file as a {@link Store}. */
export async function createDuckdbStore(opts: DuckdbStoreOptions): Promise<Store> {
  let instance: DuckDBInstance;
  try {
    const config: Record<string, string> = {};
    if (opts.threads !== undefined) config['threads'] = String(opts.threads);
    instance = await DuckDBInstance.create(opts.path, config);
  } catch (cause) {
    throw new StoreError('duckdb', `open ${opts.path}`, { cause });
  }
  const ctx = await openDuckdbContext(instance, opts.path, opts.readConnections).catch((err: unknown) => {
    instance.closeSync();
    throw err;
  });
  const { conn } = ctx;
  const sql = createDuckdbSqlDb(ctx);
  const readings = createReadingRepo(ctx);
  const revocations = createRevocationRepo();
  let closed = false;
  return {
    kind: 'duckdb',
    catalog: createCatalogRepo(sql),
    readings,
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
      for (const schema of SCHEMAS) for (const ddl of schema) await conn.run(ddl);
    },
    async close() {
      if (closed) return;
      closed = true;
      await readings.close();
      await ctx.close();
      instance.closeSync();
    },
  };
}
