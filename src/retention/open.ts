/**
 * Opening what retention needs: the store whose raw readings reach across into the lake (every
 * process that reads readings opens it this way), and the lake a retention run writes to.
 */
import { hostname } from 'node:os';
import type { Config } from '../config.ts';
import { ConfigError } from '../errors.ts';
import type { Lake } from '../lake/port.ts';
import { createChannelDirectory } from '../realtime/directory.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { tieredReadings } from './tiered-readings.ts';

/** A second lake writer in this process: its own spool folder, adopted like any other when it dies. */
function writerId(role: string): string {
  return `${hostname()}.${process.pid}@${role}`;
}

/**
 * The store with raw readings read across the retention boundary (see tieredReadings); the lake is
 * opened on the first read that crosses it and closed with the store. Without a lake, the store.
 */
export function withTieredReadings(store: Store, config: Config): Store {
  const dir = config.lake.dir;
  if (dir === null) return store;
  let lake: Promise<Lake> | undefined;
  // Loaded on first use too: a PostgreSQL command that never crosses a boundary does not load DuckDB.
  const open = () =>
    (lake ??= import('../lake/parquet/index.ts').then(({ openParquetLake }) =>
      openParquetLake({
        dir,
        // It only reads: it places no channel and compacts nothing.
        place: () => undefined,
        shards: config.log.partitions,
        compactEveryMs: 0,
        writerId: writerId('reader'),
      }),
    ));
  return {
    ...store,
    readings: tieredReadings({
      readings: store.readings,
      retention: store.retention,
      catalog: store.catalog,
      lake: open,
    }),
    async close() {
      try {
        await (await lake?.catch(() => undefined))?.close();
      } finally {
        await store.close();
      }
    },
  };
}

/** Opens the configured store with tiered reads (see {@link withTieredReadings}). */
export async function openTieredStore(config: Config): Promise<Store> {
  return withTieredReadings(await openStore(config), config);
}

/** Opens the lake a retention run appends to, placing channels by the store's catalog. */
export async function openRetentionLake(config: Config, store: Pick<Store, 'catalog'>): Promise<Lake> {
  const dir = config.lake.dir;
  if (dir === null)
    throw new ConfigError(
      'LOADSCOPE_LAKE',
      "the lake is off ('off'): retention moves old raw readings into the lake; set it to the lake folder",
    );
  const directory = createChannelDirectory({ catalog: store.catalog });
  await directory.refresh(true);
  const { openParquetLake } = await import('../lake/parquet/index.ts');
  return openParquetLake({
    dir,
    place: (id) => directory.byId(id),
    shards: config.log.partitions,
    compactEveryMs: 0,
    flushMs: 3_600_000,
    writerId: writerId('retention'),
  });
}
