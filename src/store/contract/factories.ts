/**
 * The store adapters the contract suites run against, each opened on a fresh database: DuckDB in a
 * temp file, PostgreSQL in a fresh schema dropped afterwards. Other features loop over
 * {@link STORE_FACTORIES} to run their own repository tests against both adapters.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDuckdbStore } from '../duckdb/index.ts';
import { createPostgresStore } from '../postgres/index.ts';
import type { Store, StoreKind } from '../store.ts';

/** A fresh, migrated store and the means to share or drop its database. */
export interface TestStore {
  store: Store;
  /**
   * Environment that makes `openStore(loadConfig(env))` open the same database from another process
   * (close `store` first for DuckDB, whose file admits one process at a time).
   */
  env: Record<string, string>;
  /** A second store on the same database (PostgreSQL: a second pool; DuckDB: the same store). */
  peer(): Promise<Store>;
  /** Closes `store` (and peers) and opens it again on the same database. */
  reopen(): Promise<Store>;
  /** Closes everything and deletes the database (temp folder or schema). */
  destroy(): Promise<void>;
}

/** Opens fresh test stores of one adapter. */
export interface StoreFactory {
  kind: StoreKind;
  open(): Promise<TestStore>;
}

/** PostgreSQL URL of the tests (env LOADSCOPE_PG_URL). */
export const TEST_PG_URL = process.env['LOADSCOPE_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const duckdbFactory: StoreFactory = {
  kind: 'duckdb',
  async open() {
    const dir = await mkdtemp(join(tmpdir(), 'loadscope-store-'));
    const path = join(dir, 'test.duckdb');
    const open = async () => {
      const s = await createDuckdbStore({ path, threads: 2 });
      await s.migrate();
      return s;
    };
    let store: Store | undefined = await open();
    const t: TestStore = {
      store,
      env: { LOADSCOPE_STORE: 'duckdb', LOADSCOPE_DUCKDB: path },
      peer: async () => t.store,
      async reopen() {
        await store?.close();
        store = undefined;
        store = await open();
        t.store = store;
        return store;
      },
      async destroy() {
        await store?.close();
        store = undefined;
        await rm(dir, { recursive: true, force: true });
      },
    };
    return t;
  },
};

const postgresFactory: StoreFactory = {
  kind: 'postgres',
  async open() {
    const schema = `t_store_${Math.random().toString(36).slice(2, 10)}`;
    const opened: Store[] = [];
    const open = async () => {
      const s = await createPostgresStore({ url: TEST_PG_URL, schema, poolSize: 3 });
      opened.push(s);
      await s.migrate();
      return s;
    };
    const closeAll = async () => {
      for (const s of opened.splice(0)) await s.close();
    };
    const t: TestStore = {
      store: await open(),
      env: { LOADSCOPE_STORE: 'postgres', LOADSCOPE_PG_URL: TEST_PG_URL, LOADSCOPE_PG_SCHEMA: schema },
      peer: open,
      async reopen() {
        await closeAll();
        t.store = await open();
        return t.store;
      },
      async destroy() {
        await closeAll();
        const admin = new pg.Client({ connectionString: TEST_PG_URL });
        await admin.connect();
        try {
          await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        } finally {
          await admin.end();
        }
      },
    };
    return t;
  },
};

/** Every adapter, in the order the suites run them. */
export const STORE_FACTORIES: readonly StoreFactory[] = [duckdbFactory, postgresFactory];
