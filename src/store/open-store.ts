import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Config } from '../config.ts';
import type { Store } from './store.ts';

/**
 * Opens the store the configuration names and brings its schema up to date. Each adapter is loaded
 * only when chosen: a command on DuckDB does not load `pg` (about 180 ms of every CLI start).
 */
export async function openStore(config: Config): Promise<Store> {
  let store: Store;
  if (config.store.kind === 'postgres') {
    const { createPostgresStore } = await import('./postgres/index.ts');
    store = await createPostgresStore({ url: config.store.postgresUrl, schema: config.store.postgresSchema });
  } else {
    const { createDuckdbStore } = await import('./duckdb/index.ts');
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
