import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Config } from '../config.ts';
import { createDuckdbStore } from './duckdb/index.ts';
import { createPostgresStore } from './postgres/index.ts';
import type { Store } from './store.ts';

/** Opens the store the configuration names and brings its schema up to date. */
export async function openStore(config: Config): Promise<Store> {
  let store: Store;
  if (config.store.kind === 'postgres') {
    store = await createPostgresStore({ url: config.store.postgresUrl, schema: config.store.postgresSchema });
  } else {
    if (config.store.duckdbPath !== ':memory:')
      await mkdir(dirname(config.store.duckdbPath), { recursive: true });
    store = await createDuckdbStore({
      path: config.store.duckdbPath,
      readConnections: config.store.duckdbReadConnections ?? undefined,
    });
  }
  await store.migrate();
  return store;
}
