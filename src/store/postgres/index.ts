import pg from 'pg';
import { createSqlRepos, sqlReposDdl } from '../sql/repos.ts';
import type { Store } from '../store.ts';
import type { PgContext } from './connection.ts';
import { createReadingRepo, readingsSchema } from './readings.ts';
import { createRevocationRepo } from './revocations.ts';
import { createRollupRepo, rollupsSchema } from './rollups.ts';
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

const shared = sqlReposDdl(postgresSqlDialect);
const SCHEMAS = [...shared.before, ...readingsSchema, ...rollupsSchema, ...shared.after];

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
    ...createSqlRepos(sql, revocations),
    readings: createReadingRepo(ctx),
    rollups: createRollupRepo(ctx),
    async migrate() {
      const client = await pool.connect();
      try {
        // An advisory lock makes concurrent migrations from several processes safe.
        await client.query('SELECT pg_advisory_lock(42424242)');
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
        await client.query(`SET search_path TO ${schema}, public`);
        for (const ddl of SCHEMAS) await client.query(ddl);
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
