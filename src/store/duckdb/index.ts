import { DuckDBInstance } from '@duckdb/node-api';
import { StoreError } from '../../errors.ts';
import { createInProcessRevocationRepo } from '../revocations.ts';
import { createSqlRepos, sqlReposDdl } from '../sql/repos.ts';
import type { Store } from '../store.ts';
import { openDuckdbContext } from './connection.ts';
import { createReadingRepo, readingsSchema } from './readings.ts';
import { createRollupRepo, rollupsSchema } from './rollups.ts';
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

const shared = sqlReposDdl(duckdbSqlDialect);
const SCHEMAS = [...shared.before, ...readingsSchema, ...rollupsSchema, ...shared.after];

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
  let closed = false;
  return {
    kind: 'duckdb',
    ...createSqlRepos(sql, createInProcessRevocationRepo()),
    readings,
    rollups: createRollupRepo(ctx),
    async migrate() {
      for (const ddl of SCHEMAS) await conn.run(ddl);
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
